"""The admin and supervisor handlers re-check the role on the server, and forms mark fields."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from agent_workspace.domain.throttle import ACCOUNT_FROM_ADDRESS
from agent_workspace.models import AuditEvent, Role
from agent_workspace.services.accounts import auth, live_views
from agent_workspace.services.conversation import conversation
from agent_workspace.services.errors import AccessDenied
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.interactions import supervision
from agent_workspace.state.admin_channel import NumbersAdminState
from agent_workspace.state.admin_offboarding import DEACTIVATE, OffboardingState
from agent_workspace.state.admin_replies import RepliesAdminState
from agent_workspace.state.admin_setup import ChannelAdminState
from agent_workspace.state.admin_users import UsersAdminState
from agent_workspace.state.interaction_page import InteractionPageState
from agent_workspace.state.live import BOARD_LINK, conversation_token
from agent_workspace.state.supervisor import SupervisorState
from tests.integration.state.test_access_checks import run, state_for
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_user


def _token(username: str, roles: tuple[Role, ...]) -> str:
    make_user(username, roles=roles)
    token, _ = auth.sign_in(username=username, password=f"{username}-pass-phrase")
    return token


def _audit_rows(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count(col(AuditEvent.id)))).one()


def test_an_agent_calling_admin_handlers_is_refused_and_nothing_is_written(
    engine: Engine,
) -> None:
    make_channel()
    token = _token("alice", (Role.AGENT,))
    before = _audit_rows(engine)
    numbers = state_for(NumbersAdminState, token)
    numbers.new_number = "+14155550142"
    run(NumbersAdminState.add.fn(numbers))  # type: ignore[attr-defined]
    assert "admin role" in numbers.error
    accounts = state_for(UsersAdminState, token)
    accounts.form = {"username": "mallory", "display_name": "M", "email": "", "password": "x" * 12}
    run(UsersAdminState.create.fn(accounts))  # type: ignore[attr-defined]
    assert "admin role" in accounts.error
    replies = state_for(RepliesAdminState, token)
    replies.title, replies.body = "Hi", "Hello"
    run(RepliesAdminState.save.fn(replies))  # type: ignore[attr-defined]
    assert "admin role" in replies.error
    assert _audit_rows(engine) == before


def test_an_agent_calling_supervisor_handlers_is_refused(engine: Engine) -> None:
    make_channel()
    bob = make_user("bob")
    token = _token("alice", (Role.AGENT,))
    interaction_id = receive_sms(
        sms=InboundSms(sid="SM" + "c" * 32, from_="+14155550188", to=SUPPORT_NUMBER, body="Hi")
    ).interaction_id
    before = _audit_rows(engine)
    board = state_for(SupervisorState, token)
    run(SupervisorState.load.fn(board))  # type: ignore[attr-defined]
    assert "supervisor role" in board.refusal
    board.reassign_id, board.reassign_to = interaction_id, str(bob.user_id)
    run(SupervisorState.reassign.fn(board))  # type: ignore[attr-defined]
    assert "supervisor role" in board.reassign_error
    assert _audit_rows(engine) == before


def test_the_create_user_form_marks_each_wrong_field(engine: Engine) -> None:
    token = _token("ada", (Role.ADMIN,))
    accounts = state_for(UsersAdminState, token)
    accounts.form = {"username": "ada", "display_name": "", "email": "x", "password": "short"}
    accounts.form_roles = []
    run(UsersAdminState.create.fn(accounts))  # type: ignore[attr-defined]
    assert accounts.problems["username"] == "The username 'ada' is taken."
    assert "12 characters" in accounts.problems["password"]
    assert accounts.problems["display_name"] and accounts.problems["email"]
    assert accounts.problems["roles"]
    assert accounts.form["username"] == "ada"  # nothing the admin typed is lost


def _chained(returned: object) -> list[object]:
    """The handler functions an event handler's return value chains after it."""
    events = returned if isinstance(returned, list) else [returned]
    return [getattr(getattr(e, "handler", e), "fn", None) for e in events]


def test_first_steps_are_read_again_when_an_account_gains_or_loses_the_agent_role(
    engine: Engine,
) -> None:
    """A fresh install's First steps said "To do: an agent can sign in" after Create user made
    one, until another tab was opened: the users tab's changes did not read them again."""
    make_channel()
    token = _token("root", (Role.ADMIN,))
    accounts = state_for(UsersAdminState, token)
    accounts.form = {
        "username": "nina",
        "display_name": "Nina Novak",
        "email": "",
        "password": "nina-answers-texts-all-day",
    }
    created = run(UsersAdminState.create.fn(accounts))  # type: ignore[attr-defined]
    assert accounts.error == "" and "Created nina" in str(created)
    assert ChannelAdminState.load.fn in _chained(created)  # type: ignore[attr-defined]

    roles_tab = state_for(OffboardingState, token)
    granted = run(
        OffboardingState.change_role.fn(roles_tab, "root", Role.AGENT.value, True)  # type: ignore[attr-defined]
    )
    assert "now has the Agent role" in str(granted)
    assert ChannelAdminState.load.fn in _chained(granted)  # type: ignore[attr-defined]
    roles_tab.asking, roles_tab.asking_user = DEACTIVATE, "nina"
    deactivated = run(OffboardingState.confirm.fn(roles_tab))  # type: ignore[attr-defined]
    assert "Deactivated nina" in str(deactivated)
    assert ChannelAdminState.load.fn in _chained(deactivated)  # type: ignore[attr-defined]
    back = run(OffboardingState.reactivate.fn(roles_tab, "nina"))  # type: ignore[attr-defined]
    assert "Reactivated nina" in str(back)
    assert ChannelAdminState.load.fn in _chained(back)  # type: ignore[attr-defined]


def _pause(username: str) -> None:
    for _ in range(ACCOUNT_FROM_ADDRESS.failures):
        with pytest.raises(AccessDenied):
            auth.sign_in(username=username, password="a-wrong-guess")


def test_an_agent_cannot_unlock_an_account(engine: Engine) -> None:
    token = _token("alice", (Role.AGENT,))
    make_user("bob")
    _pause("bob")
    before = _audit_rows(engine)
    accounts = state_for(UsersAdminState, token)
    run(UsersAdminState.unlock.fn(accounts, "bob"))  # type: ignore[attr-defined]
    assert "admin role" in accounts.error
    assert _audit_rows(engine) == before
    with pytest.raises(AccessDenied):
        auth.sign_in(username="bob", password="bob-pass-phrase")


def test_an_admin_sees_a_paused_account_and_unlocks_it(engine: Engine) -> None:
    token = _token("ada", (Role.ADMIN,))
    make_user("bob")
    _pause("bob")
    accounts = state_for(UsersAdminState, token)
    run(UsersAdminState.load.fn(accounts))  # type: ignore[attr-defined]
    assert [a.paused for a in accounts.accounts if a.username == "bob"] == [True]
    toast = run(UsersAdminState.unlock.fn(accounts, "bob"))  # type: ignore[attr-defined]
    assert accounts.error == ""
    assert "no longer paused" in str(toast)
    assert [a.paused for a in accounts.accounts if a.username == "bob"] == [False]
    auth.sign_in(username="bob", password="bob-pass-phrase")
    with Session(engine) as session:
        (event,) = session.exec(
            select(AuditEvent).where(AuditEvent.action == "user.sign_in_unlocked")
        ).all()
    assert event.detail == {"via": "admin page"}


def test_the_board_is_read_only_once_the_tab_is_a_viewer(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A text routed between reading the board and becoming a viewer was pushed to nobody, and
    # its row never appeared on the board (seen in the e2e reassign test).
    make_channel()
    token = _token("sam", (Role.AGENT, Role.SUPERVISOR))
    viewers_at_read: list[Any] = []
    read_board = supervision.board

    def board(**kwargs: Any) -> Any:
        viewers_at_read.append(live_views.viewers(BOARD_LINK))
        return read_board(**kwargs)

    class Feed:
        version = 0

        def _show(self, board: object) -> None:
            self.shown = board

    async def link_feed(self: Any, feed_cls: type, feed: str, actor: Any = None) -> Feed:
        live_views.register(actor=actor or await self._actor(), feed=feed)  # the real viewer
        return Feed()

    monkeypatch.setattr(supervision, "board", board)
    monkeypatch.setattr(SupervisorState, "_link_feed", link_feed)
    state = state_for(SupervisorState, token)
    run(SupervisorState.load.fn(state))  # type: ignore[attr-defined]
    assert state.refusal == ""
    [viewers] = viewers_at_read
    assert [actor.username for _, actor in viewers] == ["sam"]


def test_the_conversation_is_read_only_once_the_tab_is_a_viewer(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A text routed between reading the conversation and becoming its viewer was pushed to
    # nobody: the open page missed it until the next change.
    make_channel()
    token = _token("alice", (Role.AGENT,))
    interaction_id = receive_sms(
        sms=InboundSms(sid="SM" + "d" * 32, from_="+14155550188", to=SUPPORT_NUMBER, body="Hi")
    ).interaction_id
    viewers_at_read: list[Any] = []
    read_conversation = conversation.conversation

    def conversation_read(**kwargs: Any) -> Any:
        viewers_at_read.append(live_views.viewers(conversation_token(interaction_id)))
        return read_conversation(**kwargs)

    class Feed:
        def _show(self, view: object) -> None:
            self.shown = view

    async def link_feed(self: Any, feed_cls: type, feed: str, actor: Any = None) -> Feed:
        live_views.register(actor=actor or await self._actor(), feed=feed)  # the real viewer
        return Feed()

    monkeypatch.setattr(conversation, "conversation", conversation_read)
    monkeypatch.setattr(InteractionPageState, "_link_feed", link_feed)
    monkeypatch.setattr(InteractionPageState, "_interaction_in_url", lambda self: interaction_id)
    state = state_for(InteractionPageState, token)
    run(InteractionPageState.open.fn(state))  # type: ignore[attr-defined]
    assert state.load_error == ""
    [viewers] = viewers_at_read
    assert [actor.username for _, actor in viewers] == ["alice"]
