"""A push into an open conversation carries the new message, not the messages already shown."""

from __future__ import annotations

import reflex as rx
from sqlalchemy.engine import Engine

from agent_workspace.services.conversation.conversation import (
    load_conversation,
    load_latest_messages,
)
from agent_workspace.services.conversation.messages import TAIL
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.sending.send import SendRequest, send_sms
from agent_workspace.state.conversation_feed import FOLD_AT, ConversationFeed
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user

PHONE = "+14155550123"


def _text(n: int) -> None:
    receive_sms(sms=InboundSms(f"SM{n:032d}", PHONE, SUPPORT_NUMBER, f"text {n}"))


def _open_feed() -> tuple[ConversationFeed, int]:
    make_channel()
    make_consumer("Dana", PHONE)
    alice = make_user("alice")
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, PHONE, "Hi"))
    root = rx.State(_reflex_internal_init=True)  # type: ignore[call-arg]
    feed = root.get_substate(ConversationFeed.get_full_name().split(".")[1:])
    assert isinstance(feed, ConversationFeed)
    feed._show(load_conversation(sent.interaction_id))
    feed.dirty_vars.clear()
    return feed, sent.interaction_id


def _bodies(feed: ConversationFeed) -> list[str]:
    return [m.body for m in [*feed.tail, *feed.fresh]]


def test_a_new_text_changes_only_fresh_and_the_total(engine: Engine) -> None:
    feed, interaction_id = _open_feed()
    _text(1)
    assert feed._show_latest(load_latest_messages(interaction_id))
    assert feed.dirty_vars == {"fresh", "total"}
    assert [m.body for m in feed.fresh] == ["text 1"]
    assert _bodies(feed) == ["Hi", "text 1"]


def test_a_push_with_nothing_new_changes_no_message_list(engine: Engine) -> None:
    feed, interaction_id = _open_feed()
    _text(1)
    feed._show_latest(load_latest_messages(interaction_id))
    feed.dirty_vars.clear()
    assert feed._show_latest(load_latest_messages(interaction_id))
    assert feed.dirty_vars <= {"total"}


def test_past_the_fold_the_window_moves_and_the_page_loads_what_left_it(engine: Engine) -> None:
    feed, interaction_id = _open_feed()
    for n in range(1, FOLD_AT + 2):
        _text(n)
        feed._show_latest(load_latest_messages(interaction_id))
    assert feed.fresh == []
    assert [m.body for m in feed.tail][-1] == f"text {FOLD_AT + 1}"
    assert len(feed.tail) == TAIL
    assert feed.first_tail_seq == FOLD_AT + 2 - TAIL + 1
    assert feed.total == FOLD_AT + 2


def test_a_whole_view_of_the_same_interaction_keeps_the_messages_shown(engine: Engine) -> None:
    feed, interaction_id = _open_feed()
    _text(1)
    feed._show_latest(load_latest_messages(interaction_id))
    feed.dirty_vars.clear()
    feed._show(load_conversation(interaction_id))  # e.g. the interaction was reassigned
    assert not {"tail", "fresh"} & feed.dirty_vars
    assert _bodies(feed) == ["Hi", "text 1"]
