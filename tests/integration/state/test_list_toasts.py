"""A text that lands while the tab reads its list again (a navigation's on_load) is still
announced: the list's read counts it unread, and a toast says so once."""

from __future__ import annotations

import pytest

from agent_workspace.services.accounts import auth
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.sending.send import SendRequest, send_sms
from agent_workspace.state.session import SessionState
from agent_workspace.state.workspace import WorkspaceState
from tests.integration.state.test_access_checks import run, state_for
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user

DANA, EVE = "+14155550123", "+14155550166"


def _toasts(events: list[object] | None, text: str) -> int:
    return sum(1 for e in events or [] if "__toast" in str(e) and text in str(e))


@pytest.mark.usefixtures("engine", "unlinked_feeds")
def test_a_text_read_by_a_load_is_announced_once_and_a_first_load_announces_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_channel()
    make_consumer("Dana", DANA)
    make_consumer("Eve", EVE)
    alice = make_user("alice")
    send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, DANA, "Hi Dana"))
    eve = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, EVE, "Hi Eve"))
    receive_sms(sms=InboundSms("SM" + "1" * 32, DANA, SUPPORT_NUMBER, "An old question"))
    monkeypatch.setattr(WorkspaceState, "_interaction_in_url", lambda self: eve.interaction_id)
    token, _ = auth.sign_in(username="alice", password="alice-pass-phrase")
    tab = state_for(WorkspaceState, token)
    run(SessionState.guard_agent_page.fn(tab))  # type: ignore[attr-defined]
    first = run(WorkspaceState.load.fn(tab))  # type: ignore[attr-defined]
    assert _toasts(first, "Dana") == 0  # unread before the tab opened: the list shows it

    receive_sms(sms=InboundSms("SM" + "2" * 32, DANA, SUPPORT_NUMBER, "Sure, what is it?"))
    again = run(WorkspaceState.load.fn(tab))  # type: ignore[attr-defined]

    assert _toasts(again, "Sure, what is it?") == 1
    once_more = run(WorkspaceState.load.fn(tab))  # type: ignore[attr-defined]
    assert _toasts(once_more, "Sure, what is it?") == 0  # told once

    # Bob signs in on the same tab: what is unread on his list is no news to announce.
    send_sms(actor=make_user("bob"), request=SendRequest(SUPPORT_NUMBER, "+14155550177", "Hi"))
    receive_sms(sms=InboundSms("SM" + "3" * 32, "+14155550177", SUPPORT_NUMBER, "Bob, hello"))
    tab.token, _ = auth.sign_in(username="bob", password="bob-pass-phrase")
    run(SessionState.guard_agent_page.fn(tab))  # type: ignore[attr-defined]
    bobs = run(WorkspaceState.load.fn(tab))  # type: ignore[attr-defined]
    assert _toasts(bobs, "Bob, hello") == 0
