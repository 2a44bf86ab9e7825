"""The tab that shows a new message marks it seen: the notifier only delivers it."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from agent_workspace.models import Role
from agent_workspace.services import events
from agent_workspace.services.access import Actor
from agent_workspace.services.accounts import auth
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.interactions.unread import unread_totals
from agent_workspace.services.sending.send import SendRequest, send_sms
from agent_workspace.state.interaction_page import InteractionPageState, SeenMarks, seen_marks
from agent_workspace.state.session import SessionState
from tests.integration.state.test_access_checks import run, state_for
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user


async def _shown(state: InteractionPageState, total: object) -> None:
    """The tab's event, and the marks' write it leads to."""
    await InteractionPageState.messages_shown.fn(state, total)  # type: ignore[attr-defined]
    await seen_marks.drained()


PHONE = "+14155550123"


def _unread(engine: Engine, agent_id: int) -> int:
    with Session(engine) as session:
        return unread_totals(session, [agent_id]).get(agent_id, 0)


def _open_tab(
    monkeypatch: pytest.MonkeyPatch, role: Role = Role.AGENT
) -> tuple[int, int, InteractionPageState]:
    """Alice has her conversation with Dana open in a tab; returns (alice, interaction, tab)."""
    make_channel()
    make_consumer("Dana", PHONE)
    alice = make_user("alice", roles=(role,))
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, PHONE, "Hi"))
    token, _ = auth.sign_in(username="alice", password="alice-pass-phrase")
    monkeypatch.setattr(
        InteractionPageState, "_interaction_in_url", lambda self: sent.interaction_id
    )
    state = state_for(InteractionPageState, token)
    run(SessionState.guard_agent_page.fn(state))  # type: ignore[attr-defined]
    run(InteractionPageState.open.fn(state))  # type: ignore[attr-defined]
    return alice.user_id, sent.interaction_id, state


@pytest.mark.usefixtures("unlinked_feeds")
def test_new_messages_a_push_showed_the_tab_are_marked_seen_and_announced(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, interaction_id, state = _open_tab(monkeypatch)
    receive_sms(sms=InboundSms("SM" + "1" * 32, PHONE, SUPPORT_NUMBER, "Thanks!"))
    assert _unread(engine, alice) == 1
    published: list[events.Event] = []
    unsubscribe = events.subscribe(published.append)
    try:
        run(_shown(state, 2))
    finally:
        unsubscribe()
    assert _unread(engine, alice) == 0
    assert published == [events.ListsChanged(frozenset({alice}), frozenset({interaction_id}))]


@pytest.mark.usefixtures("unlinked_feeds")
def test_a_count_the_tab_already_marked_or_sent_as_no_count_marks_nothing(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, _, state = _open_tab(monkeypatch)
    receive_sms(sms=InboundSms("SM" + "2" * 32, PHONE, SUPPORT_NUMBER, "Thanks!"))
    for total in (1, "2", None):  # the count it opened with; not a count
        run(_shown(state, total))
    assert _unread(engine, alice) == 1


def test_a_tab_that_shows_no_conversation_marks_nothing(engine: Engine) -> None:
    make_user("alice")
    token, _ = auth.sign_in(username="alice", password="alice-pass-phrase")
    state = state_for(InteractionPageState, token)
    run(_shown(state, 3))
    assert state.interaction_id == 0


def test_marks_noted_while_a_write_runs_go_in_one_write() -> None:
    """Fifty tabs on one conversation: one write for their marks, not fifty."""
    written: list[int] = []

    def write(batch: Sequence[tuple[Actor | None, int]]) -> int:
        written.append(len(batch))
        return len(batch)

    marks = SeenMarks(write=write)
    actors = [Actor(n, f"agent{n}", "", frozenset({Role.AGENT})) for n in range(1, 51)]

    async def main() -> None:
        for actor in actors:
            marks.note(actor, 7)
        marks.note(actors[0], 7)  # the same tab twice: one mark
        await marks.drained()

    run(main())
    assert written == [50]
