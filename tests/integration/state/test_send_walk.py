"""What one Send costs through the composer's handler (docs/architecture.md walk B): the
session read and the role checked once at the handler and once at the service entry, the
routing decision made once (the preview after it comes with the Send), file code only for
files; and what typing into Other costs: one decision per change the field reports."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from agent_workspace.models import InteractionType
from agent_workspace.services import access
from agent_workspace.services.accounts import auth
from agent_workspace.services.interactions.lifecycle import create_interaction
from agent_workspace.services.sending import decision, send
from agent_workspace.services.sending.send import SendRequest, send_sms
from agent_workspace.state import compose_to
from agent_workspace.state import session as session_state
from agent_workspace.state.compose import ComposeState
from agent_workspace.state.compose_to import OTHER
from agent_workspace.state.session import SessionState
from tests.integration.state.test_access_checks import run, state_for
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user

CAROL = "+14155550123"


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Counts the calls of the functions a Send's cost is made of, where their callers find
    them."""
    counted: Counter[str] = Counter()

    def counting(module: Any, name: str) -> None:
        original: Callable[..., Any] = getattr(module, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            counted[name] += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    counting(auth, "actor_for_token")
    for module in (access, send, session_state):
        counting(module, "require_role")
    counting(decision, "decide_send")
    counting(compose_to, "preview_send")
    counting(send, "load_staged")
    counting(send, "forget_sent")
    counting(send, "store_files")
    return counted


@pytest.fixture
def composer(engine: Engine, unlinked_feeds: None, monkeypatch: pytest.MonkeyPatch) -> ComposeState:
    """Alice's composer, open on her text conversation with Carol, To Carol's number."""
    make_channel()
    carol = make_consumer("Carol", CAROL)
    alice = make_user("alice")
    call = create_interaction(actor=alice, type=InteractionType.PHONE, person=carol)
    first = SendRequest(SUPPORT_NUMBER, CAROL, "Hello Carol", call.id)
    texts = send_sms(actor=alice, request=first).interaction_id
    token, _ = auth.sign_in(username="alice", password="alice-pass-phrase")
    state = state_for(ComposeState, token)
    monkeypatch.setattr(ComposeState, "_interaction_in_url", lambda self: texts)
    run(SessionState.guard_agent_page.fn(state))  # type: ignore[attr-defined]
    run(ComposeState.start.fn(state))  # type: ignore[attr-defined]
    assert (state.error, state.to_choice, state.from_number) == ("", CAROL, SUPPORT_NUMBER)
    return state


def test_a_send_reads_the_session_once_checks_the_role_twice_and_decides_once(
    composer: ComposeState, calls: Counter[str]
) -> None:
    for text in ("Your parcel left today", "It arrives on Monday"):
        run(ComposeState.set_body.fn(composer, text))  # type: ignore[attr-defined]
        calls.clear()

        run(ComposeState.send.fn(composer))  # type: ignore[attr-defined]

        assert composer.error == ""
        assert calls["actor_for_token"] == 1  # the handler's session read
        assert calls["require_role"] == 2  # the handler's check, the service entry's
        assert calls["decide_send"] == 1  # no preview_send after the Send:
        assert calls["preview_send"] == 0
        assert composer.preview.startswith("Send will add the message to interaction IMS")


def test_a_send_without_files_runs_no_file_code(
    composer: ComposeState, calls: Counter[str]
) -> None:
    run(ComposeState.set_body.fn(composer, "No files here"))  # type: ignore[attr-defined]
    calls.clear()

    run(ComposeState.send.fn(composer))  # type: ignore[attr-defined]

    assert composer.error == ""
    assert (calls["load_staged"], calls["store_files"], calls["forget_sent"]) == (0, 0, 0)


def test_a_change_of_other_runs_the_routing_decision_once(
    composer: ComposeState, calls: Counter[str]
) -> None:
    """The field reports a change once the agent pauses (components/composer.py debounces
    it): each report costs one decision, and a number that cannot be read none."""
    run(ComposeState.set_to_choice.fn(composer, OTHER))  # type: ignore[attr-defined]
    calls.clear()

    run(ComposeState.set_other_text.fn(composer, "(415) 555-0177"))  # type: ignore[attr-defined]
    assert (calls["preview_send"], calls["decide_send"]) == (1, 1)
    run(ComposeState.set_other_text.fn(composer, "(415) 555-01"))  # type: ignore[attr-defined]
    assert (calls["preview_send"], calls["decide_send"]) == (1, 1)
    assert composer.other_error
