"""The notifier pushes to each valid session's copy of a feed, merges bursts, and keeps going
past a failed piece."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
import reflex as rx
import sqlalchemy as sa
from reflex.istate.manager.memory import StateManagerMemory
from sqlalchemy.engine import Engine

from agent_workspace.models import Role
from agent_workspace.services import events
from agent_workspace.services.access import Actor
from agent_workspace.services.accounts import auth, live_views
from agent_workspace.services.channels import numbers, setup
from agent_workspace.services.conversation.conversation import (
    ConversationView,
    LatestMessages,
    latest_messages_in,
    load_conversation,
)
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.interactions.assignment import set_presence
from agent_workspace.services.interactions.inbox import mark_seen
from agent_workspace.services.interactions.overview import Overview, load_overview
from agent_workspace.services.sending.send import SendRequest, send_sms
from agent_workspace.state import live
from agent_workspace.state.conversation_feed import ConversationFeed
from agent_workspace.state.live import (
    CHANNEL_LINK,
    AgentListFeed,
    ChannelFeed,
    ListsFeed,
    SupervisorBoardFeed,
)
from agent_workspace.web import notifier as notifier_module
from agent_workspace.web.notifier import Notifier
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user
from tests.support.waiting import Doorbell


@dataclass
class FakeApp:
    """Records which state token got which value, and which tab was sent which delta, instead
    of reaching browsers."""

    shown: list[tuple[str, str, Any]] = field(default_factory=list)
    holds_whole_views: bool = True  # what a conversation copy answers to messages alone
    # Conversation copies' message counts, when a test needs them (None: copies have none).
    totals: dict[str, int] | None = None
    tabs: dict[str, set[str]] = field(default_factory=dict)  # a copy's token -> its linked tabs
    connected: set[str] = field(default_factory=set)
    sent: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    doorbell: Doorbell = field(default_factory=Doorbell)  # rung at each update sent

    @property
    def state_manager(self) -> FakeApp:
        return self

    @property
    def event_namespace(self) -> FakeApp:
        return self

    @property
    def _token_manager(self) -> FakeApp:
        return self

    async def is_token_connected(self, tab: str) -> bool:
        return tab in self.connected

    async def emit_update(self, update: Any, tab: str) -> None:
        self.sent.append((tab, update.delta))
        self.doorbell.ring()

    @contextlib.contextmanager
    def set_contexts(self) -> Iterator[None]:
        yield

    @contextlib.asynccontextmanager
    async def modify_state(self, token: Any) -> AsyncIterator[Any]:
        app = self
        changed: list[Any] = []

        class Root:
            async def get_state(self, cls: type) -> Any:
                class Feed:
                    _linked_from = app.tabs.get(token.ident, set())
                    _ended = False

                    @property
                    def total(self) -> int:
                        return (app.totals or {}).get(token.ident, 0)

                    def _count(self, value: Any) -> None:
                        if app.totals is not None and hasattr(value, "total"):
                            app.totals[token.ident] = value.total

                    def _show(self, value: Any) -> None:
                        app.shown.append((token.ident, cls.__name__, value))
                        changed.append(value)
                        self._count(value)

                    def _show_latest(self, value: Any) -> bool:
                        if app.holds_whole_views:
                            app.shown.append((token.ident, cls.__name__, value))
                            changed.append(value)
                            self._count(value)
                        return app.holds_whole_views

                return Feed()

            async def _get_resolved_delta(self) -> dict[str, Any]:
                return {"feed": {"copy": token.ident}} if changed else {}

            def _clean(self) -> None:
                pass

        yield Root()


def _run(notifier: Notifier, burst: list[Any], *later: list[Any]) -> None:
    """Pushes the burst, then each later burst as a round of its own."""

    async def main() -> None:
        notifier.loop, notifier._wake = asyncio.get_running_loop(), asyncio.Event()
        for events_of_round in (burst, *later):
            for event in events_of_round:
                notifier._note(event)
            await notifier.push_pending()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, main()).result()


def _alice_texted_dana() -> tuple[Actor, Any]:
    """Alice has written to Dana: an interaction of hers with one message."""
    make_channel()
    make_consumer("Dana", "+14155550123")
    alice = make_user("alice")
    return alice, send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, "+14155550123", "Hi"))


def _shows(actor: Actor, *feeds: str) -> list[str]:
    """The session of `actor` has these feeds open; returns its tokens."""
    return [live_views.register(actor=actor, feed=f) for f in feeds]


def test_a_burst_for_one_interaction_becomes_one_push_per_viewing_session(engine: Engine) -> None:
    alice, sent = _alice_texted_dana()
    ix, agent = f"ix{sent.interaction_id}", f"agent{alice.user_id}"
    tokens = _shows(alice, ix, agent, "lists")
    app = FakeApp()
    burst = [events.InteractionChanged(sent.interaction_id, frozenset({alice.user_id}))] * 5
    _run(Notifier(app), burst)
    assert [(ident, cls) for ident, cls, _ in app.shown] == [
        (tokens[0], ConversationFeed.__name__),
        (tokens[2], ListsFeed.__name__),
        (tokens[1], AgentListFeed.__name__),
    ]


def test_a_text_into_an_open_conversation_pushes_its_messages_not_the_whole_view(
    engine: Engine,
) -> None:
    alice, sent = _alice_texted_dana()
    [token] = _shows(alice, f"ix{sent.interaction_id}")
    published: list[events.Event] = []
    unsubscribe = events.subscribe(published.append)
    try:
        receive_sms(sms=InboundSms("SM" + "1" * 32, "+14155550123", SUPPORT_NUMBER, "Thanks!"))
    finally:
        unsubscribe()
    changed = [e for e in published if isinstance(e, events.InteractionChanged)]
    assert [e.messages_only for e in changed] == [True]
    app = FakeApp()
    _run(Notifier(app), changed)
    [(ident, cls, value)] = app.shown
    assert (ident, cls, type(value)) == (token, ConversationFeed.__name__, LatestMessages)
    assert (value.total, value.tail[-1].body) == (2, "Thanks!")
    # Anything else in the same round (here: the interaction itself changed) reads it whole.
    app = FakeApp()
    _run(Notifier(app), [*changed, events.InteractionChanged(sent.interaction_id)])
    assert [type(v) for _, _, v in app.shown] == [ConversationView]


def test_a_copy_that_never_had_the_whole_view_gets_it_with_the_new_messages(
    engine: Engine,
) -> None:
    alice, sent = _alice_texted_dana()
    _shows(alice, f"ix{sent.interaction_id}")
    app = FakeApp(holds_whole_views=False)
    _run(Notifier(app), [events.InteractionChanged(sent.interaction_id, messages_only=True)])
    [(_, _, value)] = app.shown
    assert isinstance(value, ConversationView) and value.total == 1


def test_an_interaction_that_cannot_be_read_does_not_stop_the_others(engine: Engine) -> None:
    alice, sent = _alice_texted_dana()
    [token] = _shows(alice, f"ix{sent.interaction_id}")
    app = FakeApp()
    _run(
        Notifier(app),
        [events.InteractionChanged(999_999), events.InteractionChanged(sent.interaction_id)],
    )
    assert (token, ConversationFeed.__name__) in [(i, c) for i, c, _ in app.shown]


def test_a_statement_that_fails_in_the_rounds_shared_read_does_not_stop_the_next(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Who views and the latest messages share one read session; after a failed statement
    (PostgreSQL then refuses the rest of the transaction) the next piece still reads."""
    alice, first = _alice_texted_dana()
    make_consumer("Eve", "+14155550124")
    second = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, "+14155550124", "Hi"))
    tokens = _shows(alice, f"ix{first.interaction_id}", f"ix{second.interaction_id}")

    def broken_for_the_first(session: Any, interaction_id: int) -> Any:
        if interaction_id == first.interaction_id:
            session.execute(sa.text("SELECT no_such_column FROM interaction"))
        return latest_messages_in(session, interaction_id)

    monkeypatch.setattr(notifier_module, "latest_messages_in", broken_for_the_first)
    app = FakeApp()
    changed = [first.interaction_id, second.interaction_id]
    _run(Notifier(app), [events.InteractionChanged(i, messages_only=True) for i in changed])
    [(ident, cls, value)] = app.shown
    assert (ident, cls, type(value)) == (tokens[1], ConversationFeed.__name__, LatestMessages)
    assert value.interaction_id == second.interaction_id


def test_only_valid_sessions_allowed_to_see_a_feed_are_pushed_to(engine: Engine) -> None:
    make_channel()
    make_consumer("Dana", "+14155550123")
    alice = make_user("alice")
    sam = make_user("sam", roles=(Role.AGENT, Role.SUPERVISOR))
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, "+14155550123", "Hi"))
    ix, agent = f"ix{sent.interaction_id}", f"agent{alice.user_id}"
    alice_tokens = _shows(alice, ix, "board", agent)
    sam_tokens = _shows(sam, ix, "board", agent)  # sam may not see Alice's own list
    gone_token, gone = auth.sign_in(username="alice", password="alice-pass-phrase")
    gone_tokens = _shows(gone, ix, agent)
    auth.sign_out(gone_token)
    app = FakeApp()
    _run(
        Notifier(app),
        [events.InteractionChanged(sent.interaction_id, frozenset({alice.user_id}))],
    )
    pushed = {ident for ident, _, _ in app.shown}
    assert pushed == {alice_tokens[0], alice_tokens[2], sam_tokens[0], sam_tokens[1]}
    assert not pushed & set(gone_tokens)
    assert SupervisorBoardFeed.__name__ in {c for i, c, _ in app.shown if i == sam_tokens[1]}


def test_a_number_added_by_an_admin_is_pushed_to_composers_with_its_label(engine: Engine) -> None:
    make_channel()
    alice = make_user("alice")
    [token] = _shows(alice, CHANNEL_LINK)
    ada = make_user("ada", roles=(Role.ADMIN,))
    added = numbers.add_number(actor=ada, number="+14155550142", label="Support line")
    app = FakeApp()
    _run(Notifier(app), [events.ChannelChanged()])
    [(ident, cls, shown)] = app.shown
    assert (ident, cls) == (token, ChannelFeed.__name__)
    assert [n.e164 for n in shown.numbers][-1] == added.e164
    assert shown.numbers[-1].shown == "Support line (+1 415-555-0142)"
    assert not shown.via_service


def test_a_messaging_service_set_by_an_admin_is_pushed_to_composers(engine: Engine) -> None:
    """Through the service Twilio picks the From: the composers drop their From select."""
    make_channel()
    alice = make_user("alice")
    [token] = _shows(alice, CHANNEL_LINK)
    ada = make_user("ada", roles=(Role.ADMIN,))
    setup.update_sms_channel(
        actor=ada, name="SMS", region="US", messaging_service_sid="MG" + "ab" * 16
    )
    app = FakeApp()
    _run(Notifier(app), [events.ChannelChanged()])
    [(ident, cls, shown)] = app.shown
    assert (ident, cls, shown.via_service) == (token, ChannelFeed.__name__, True)


def test_nothing_is_read_for_a_feed_nobody_shows(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, sent = _alice_texted_dana()
    reads: list[str] = []

    def counted(name: str, real: Any) -> Any:
        def read(*args: Any) -> Any:
            reads.append(name)
            return real(*args)

        return read

    for name in ("load_conversation", "load_overview"):
        monkeypatch.setattr(notifier_module, name, counted(name, getattr(notifier_module, name)))
    for name, pane in live.PANES.items():
        monkeypatch.setitem(live.PANES, name, replace(pane, read=counted(name, pane.read)))
    app = FakeApp()
    _run(
        Notifier(app),
        [events.InteractionChanged(sent.interaction_id, frozenset({alice.user_id}))],
    )
    assert (reads, app.shown) == ([], [])
    [token] = _shows(alice, f"ix{sent.interaction_id}")
    _run(Notifier(app), [events.InteractionChanged(sent.interaction_id)])
    assert reads == ["load_conversation"]
    assert [ident for ident, _, _ in app.shown] == [token]


def test_the_board_gets_the_overview_read_once_for_every_supervisor(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_channel()
    make_consumer("Dana", "+14155550123")
    make_consumer("Eve", "+14155550124")
    alice = make_user("alice")
    sam = make_user("sam", roles=(Role.AGENT, Role.SUPERVISOR))
    sue = make_user("sue", roles=(Role.AGENT, Role.SUPERVISOR))
    first = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, "+14155550123", "Hi"))
    send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, "+14155550124", "Hello"))
    tokens = {*_shows(sam, "board"), *_shows(sue, "board")}
    reads: list[int] = []
    real = load_overview

    def counted() -> Overview:
        reads.append(1)
        return real()

    monkeypatch.setattr(notifier_module, "load_overview", counted)
    app = FakeApp()
    _run(Notifier(app), [events.InteractionChanged(first.interaction_id)])
    pushed = [s for s in app.shown if s[1] == SupervisorBoardFeed.__name__]
    assert {ident for ident, _, _ in pushed} == tokens
    assert len(reads) == 1  # one query set, whatever the number of supervisors
    overview = pushed[0][2]
    assert (overview.open, overview.unassigned) == (2, 0)
    assert [m.active for m in overview.members if m.agent_id == alice.user_id] == [2]


def _viewing_alice() -> tuple[Actor, int, str, str]:
    """Alice has her conversation with Dana and her list open; Dana just texted again."""
    alice, sent = _alice_texted_dana()
    conversation, mine = _shows(alice, f"ix{sent.interaction_id}", f"agent{alice.user_id}")
    receive_sms(sms=InboundSms("SM" + "2" * 32, "+14155550123", SUPPORT_NUMBER, "Again"))
    return alice, sent.interaction_id, conversation, mine


def _lists(app: FakeApp) -> list[str]:
    return [ident for ident, cls, _ in app.shown if cls == AgentListFeed.__name__]


def _pushed(app: FakeApp, *bursts: list[Any]) -> list[events.Event]:
    """Runs the bursts as rounds; returns the events they published."""
    published: list[events.Event] = []
    unsubscribe = events.subscribe(published.append)
    try:
        _run(Notifier(app), *bursts)
    finally:
        unsubscribe()
    return published


def test_a_push_writes_nothing_and_the_tabs_mark_goes_to_the_agents_lists(
    engine: Engine,
) -> None:
    """Delivery only: the text goes out unread; the tab that showed it marks it seen
    (InteractionPageState.messages_shown), and that mark's event brings the agent's rows
    with unread 0 and the title's count cleared."""
    alice, interaction_id, conversation, mine = _viewing_alice()
    app = FakeApp(totals={conversation: 1}, tabs={conversation: {"tab"}}, connected={"tab"})
    text = events.InteractionChanged(interaction_id, frozenset({alice.user_id}), True)
    published = _pushed(app, [text])
    assert [i for i, _, _ in app.shown] == [conversation, mine]
    [changes] = [value for ident, _, value in app.shown if ident == mine]
    assert [(r.id, r.unread) for r in changes.rows] == [(interaction_id, 1)]
    assert not [e for e in published if isinstance(e, events.ListsChanged)]

    marked: list[events.Event] = []
    unsubscribe = events.subscribe(marked.append)
    try:
        assert mark_seen(actor=alice, interaction_id=interaction_id)
    finally:
        unsubscribe()
    app = FakeApp()
    _run(Notifier(app), marked)
    [(ident, _, changes)] = app.shown
    assert ident == mine
    assert [(r.id, r.unread) for r in changes.rows] == [(interaction_id, 0)]
    assert changes.unread_total == 0


def test_a_text_no_tab_was_sent_stays_unread(engine: Engine) -> None:
    alice, interaction_id, conversation, mine = _viewing_alice()
    app = FakeApp(totals={conversation: 1}, tabs={conversation: {"tab"}})  # the tab went away
    _pushed(app, [events.InteractionChanged(interaction_id, frozenset({alice.user_id}), True)])
    [changes] = [value for ident, _, value in app.shown if ident == mine]
    assert [(r.id, r.unread) for r in changes.rows] == [(interaction_id, 1)]


def test_a_list_is_not_held_when_the_tab_got_no_new_message(engine: Engine) -> None:
    alice, interaction_id, conversation, mine = _viewing_alice()
    app = FakeApp(totals={conversation: 2})  # e.g. a status: the count did not move
    _run(Notifier(app), [events.InteractionChanged(interaction_id, frozenset({alice.user_id}))])
    assert _lists(app) == [mine]


def test_a_copys_delta_goes_to_each_connected_tab_linked_to_it_and_nowhere_else(
    engine: Engine,
) -> None:
    """Once per tab, in turn, and never to the copy itself or to a tab that went away."""
    alice, sent = _alice_texted_dana()
    [copy] = _shows(alice, f"ix{sent.interaction_id}")
    app = FakeApp(tabs={copy: {"tab-b", "tab-a", "tab-gone"}}, connected={"tab-a", "tab-b"})
    _run(Notifier(app), [events.InteractionChanged(sent.interaction_id)])
    assert app.sent == [("tab-a", {"feed": {"copy": copy}}), ("tab-b", {"feed": {"copy": copy}})]


@dataclass
class StatesApp:
    """Reflex's own in-memory state manager, where the copies of feeds really live."""

    state_manager: Any = field(default_factory=StateManagerMemory)
    connected: set[str] = field(default_factory=set)
    sent: list[tuple[str, Any]] = field(default_factory=list)  # (tab, StateUpdate)

    @property
    def event_namespace(self) -> StatesApp:
        return self

    @property
    def _token_manager(self) -> StatesApp:
        return self

    async def is_token_connected(self, tab: str) -> bool:
        return tab in self.connected

    async def emit_update(self, update: Any, tab: str) -> None:
        self.sent.append((tab, update))

    @contextlib.contextmanager
    def set_contexts(self) -> Iterator[None]:
        yield


async def _fill(app: StatesApp, token: str, routing: str, tab: str = "") -> None:
    """The copy as a push leaves it, linked from `tab` (a browser tab's token)."""
    async with app.state_manager.modify_state(
        rx.BaseStateToken(ident=token, cls=ConversationFeed)
    ) as root:
        feed = await root.get_state(ConversationFeed)
        feed.total, feed.routing = 3, routing
        if tab:
            feed._linked_from.add(tab)


async def _routing_of(app: StatesApp, token: str) -> str:
    async with app.state_manager.modify_state(
        rx.BaseStateToken(ident=token, cls=ConversationFeed)
    ) as root:
        return str((await root.get_state(ConversationFeed)).routing)


def test_an_ended_sessions_copies_are_emptied_and_live_ones_kept(engine: Engine) -> None:
    """Signing out (or being revoked) announces it; the notifier then takes the session's
    views and empties their copies, which hold what its tabs were shown."""
    _, sent = _alice_texted_dana()
    ix = f"ix{sent.interaction_id}"
    ending_token, ending = auth.sign_in(username="alice", password="alice-pass-phrase")
    _, staying = auth.sign_in(username="alice", password="alice-pass-phrase")
    [ended_copy] = _shows(ending, ix)
    [kept_copy] = _shows(staying, ix)
    app = StatesApp()
    notifier = Notifier(app)
    announced: list[events.Event] = []
    unsubscribe = events.subscribe(announced.append)
    try:
        auth.sign_out(ending_token)
    finally:
        unsubscribe()

    ended_tab, kept_tab, closed_tab = (str(uuid.uuid4()) for _ in range(3))
    app.connected |= {ended_tab, kept_tab}

    async def main() -> tuple[str, str]:
        await _fill(app, ended_copy, "card 4111 1111 1111 1111", ended_tab)
        await _fill(app, ended_copy, "card 4111 1111 1111 1111", closed_tab)
        await _fill(app, kept_copy, "card 4111 1111 1111 1111", kept_tab)
        for event in announced:
            if isinstance(event, events.SessionsEnded):
                notifier._note(event)
        await notifier.push_pending()
        return await _routing_of(app, ended_copy), await _routing_of(app, kept_copy)

    with ThreadPoolExecutor(max_workers=1) as pool:  # Reflex's registry is a context var
        ended, kept = pool.submit(contextvars.copy_context().run, asyncio.run, main()).result()
    assert (ended, kept) == ("", "card 4111 1111 1111 1111")
    assert live_views.take_ended() == []  # taken once
    # The ended session's connected tab is told at once: the feed emptied, and to sign in.
    [(tab, update)] = app.sent
    assert tab == ended_tab
    assert "card" not in str(update.delta)
    assert [(e.name, e.payload.get("path")) for e in update.events] == [("_redirect", "/login")]


def test_a_flood_for_one_feed_is_two_rounds_the_first_at_once(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Twenty texts, each after the notifier was idle again: the first is pushed at once, the
    others wait out the gap the first round left and go in one round (the newest state wins).
    Pushing every one as it came had kept a queue's tabs re-reading while webhooks waited.
    The clock stands still, so the gap ends only when the test ends it."""
    _, sent = _alice_texted_dana()
    [queue] = _shows(make_user("bob"), "lists")
    app = FakeApp(tabs={queue: {"tab"}}, connected={"tab"})
    text = events.InteractionChanged(sent.interaction_id, messages_only=True)
    waits: list[float] = []
    subscribe = events.subscribe

    def subscribed(handler: Any) -> Any:
        unsubscribe = subscribe(handler)
        app.doorbell.ring()
        return unsubscribe

    monkeypatch.setattr(events, "subscribe", subscribed)

    async def main() -> None:
        gap_over = asyncio.Event()

        async def pause(seconds: float) -> None:
            waits.append(seconds)
            app.doorbell.ring()
            await gap_over.wait()

        notifier = Notifier(app, clock=lambda: 0.0, pause=pause)
        running = asyncio.create_task(notifier.run())
        await app.doorbell.until(lambda: notifier.loop is not None, what="the notifier subscribed")
        notifier.on_event(text)
        await app.doorbell.until(lambda: len(app.sent) == 1, what="the first text pushed")
        notifier.on_event(text)
        await app.doorbell.until(lambda: waits, what="the notifier waiting out its gap")
        for _ in range(18):
            notifier.on_event(text)
        gap_over.set()
        await app.doorbell.until(lambda: len(app.sent) == 2, what="the other texts pushed")
        await app.doorbell.until(lambda: not notifier._interactions, what="nothing left to push")
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, main()).result()
    assert [ident for ident, _, _ in app.shown] == [queue, queue]
    assert len(waits) == 1 and waits[0] > 0


def test_a_push_read_before_a_sign_out_does_not_refill_the_emptied_copy(engine: Engine) -> None:
    """A round reads who looks, the session then ends and its copy is emptied (by this worker
    or another's sweep), and the round goes on to push the conversation it read: that copy
    must stay empty, or what its tabs were shown is kept for a session nobody may use (seen
    under load in test_scale_out: the card number stayed in Redis)."""
    _, sent = _alice_texted_dana()
    ix = f"ix{sent.interaction_id}"
    token, alice = auth.sign_in(username="alice", password="alice-pass-phrase")
    [copy] = _shows(alice, ix)
    view = load_conversation(sent.interaction_id)
    app = StatesApp()
    notifier = Notifier(app)
    auth.sign_out(token)

    async def main() -> tuple[int, int]:
        await _fill(app, copy, "card 4111 1111 1111 1111")
        await notifier.drop_ended()  # emptied
        await notifier._apply(copy, ConversationFeed, view)  # the round read before sign-out
        async with app.state_manager.modify_state(
            rx.BaseStateToken(ident=copy, cls=ConversationFeed)
        ) as root:
            feed = await root.get_state(ConversationFeed)
            return feed.total, len(feed.tail)

    with ThreadPoolExecutor(max_workers=1) as pool:
        shown = pool.submit(contextvars.copy_context().run, asyncio.run, main()).result()
    assert shown == (0, 0)


def test_an_agent_turning_available_is_pushed_to_the_supervisors_board_only(
    engine: Engine,
) -> None:
    make_channel()
    alice = make_user("alice")
    sam = make_user("sam", roles=(Role.AGENT, Role.SUPERVISOR))
    [board] = _shows(sam, "board")
    [alice_board] = _shows(alice, "board")  # an agent's copy is never pushed the board
    published: list[events.Event] = []
    stop = events.subscribe(published.append)
    try:
        set_presence(actor=alice, presence="available")
    finally:
        stop()
    assert published == [events.TeamChanged(), events.PresenceChanged(alice.user_id)]
    app = FakeApp()
    _run(Notifier(app), published)
    [(ident, cls, overview)] = app.shown
    assert (ident, cls) == (board, SupervisorBoardFeed.__name__)
    assert [m.status for m in overview.members if m.agent_id == alice.user_id] == ["Available"]
    assert alice_board != ident


def test_an_agents_status_is_pushed_to_every_tab_of_theirs_and_nobody_elses(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Away after idle (reported by one tab) or a status chosen in one tab: the agent's
    other tabs (every session of theirs) show it with no reload; nobody else is pushed it."""
    from agent_workspace.services.interactions import idle

    monkeypatch.setattr(idle, "away_after_ms", lambda: 60_000)
    make_channel()
    alice = make_user("alice")
    bob = make_user("bob")
    _, other_session = auth.sign_in(username="alice", password="alice-pass-phrase")
    alices = [
        *_shows(alice, f"presence{alice.user_id}"),
        *_shows(other_session, f"presence{alice.user_id}"),
    ]
    [bobs] = _shows(bob, f"presence{bob.user_id}")
    set_presence(actor=alice, presence="available")
    set_presence(actor=bob, presence="available")

    def pushed_after(change: Any) -> set[tuple[str, str]]:
        published: list[events.Event] = []
        stop = events.subscribe(published.append)
        try:
            change()
        finally:
            stop()
        app = FakeApp()
        _run(Notifier(app), published)
        return {(ident, str(getattr(value, "value", value))) for ident, _, value in app.shown}

    assert pushed_after(lambda: idle.went_idle(actor=alice)) == {(t, "away") for t in alices}
    assert pushed_after(lambda: idle.came_back(actor=alice)) == {(t, "available") for t in alices}
    assert pushed_after(lambda: set_presence(actor=other_session, presence="offline")) == {
        (t, "offline") for t in alices
    }
    assert pushed_after(lambda: set_presence(actor=bob, presence="away")) == {(bobs, "away")}
