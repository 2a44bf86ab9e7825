"""Retry and the error playbook's next steps (issue 26 items 4 and 5), on SQLite and PostgreSQL.

A Retry is a new message linked to the failed one, queued through the outbox and sent with its
own provider sid, exactly once however many ask at once; a passing failure is retried once by
itself later; a setup failure tells the administrators, not the agent.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import transaction
from agent_workspace.domain.attachments import CandidateFile
from agent_workspace.models import Interaction, Message, MessageStatus, Notice, Role, utcnow
from agent_workspace.services.access import Actor
from agent_workspace.services.conversation.messages import latest
from agent_workspace.services.errors import AccessDenied, InvalidInput, NotFound
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.interactions.lifecycle import close_interaction
from agent_workspace.services.interactions.lists import row_view
from agent_workspace.services.outbox import claims, statuses
from agent_workspace.services.outbox.playbook import dismiss_setup_alerts, setup_alerts
from agent_workspace.services.outbox.retry import retry_message
from agent_workspace.services.sending.send import SendRequest, send_sms
from agent_workspace.state.conversation_feed import MessageItem, message_item
from tests.integration.send.conftest import PHONE, PNG
from tests.support.factories import SUPPORT_NUMBER, make_user, undelivered
from tests.support.races import all_at_once


def _failed(agent: Actor, code: int, body: str = "Your parcel is ready", n: int = 0) -> int:
    send_sms(actor=agent, request=SendRequest(SUPPORT_NUMBER, PHONE, body))
    return undelivered(code, sid="SM" + f"{n}{code:031d}")


def _message(engine: Engine, message_id: int) -> Message:
    with Session(engine) as session:
        found = session.get(Message, message_id)
        assert found is not None
        return found


def _retries_of(engine: Engine, message_id: int) -> list[Message]:
    with Session(engine) as session:
        return list(session.exec(select(Message).where(Message.retry_of_id == message_id)))


def _bubble(engine: Engine, message_id: int) -> MessageItem:
    interaction_id = _message(engine, message_id).interaction_id
    with Session(engine) as session:
        (found,) = [m for m in latest(session, interaction_id)[1] if m.id == message_id]
        return message_item(found)


def test_retry_sends_a_new_linked_message_with_its_own_sid(engine: Engine, agent: Actor) -> None:
    failed = _failed(agent, 30007)  # filtered: nothing is retried by itself
    assert claims.claim_due() == []

    first = retry_message(actor=agent, message_id=failed)
    again = retry_message(actor=agent, message_id=failed)  # the double click

    assert first.queued and not again.queued and again.message_id == first.message_id
    (job,) = claims.claim_due()
    assert (job.message_id, job.to, job.body) == (first.message_id, PHONE, "Your parcel is ready")
    statuses.mark_accepted(
        message_id=job.message_id, lease_token=job.lease_token, sid="SM" + "r" * 32, status="sent"
    )
    statuses.apply_delivery_status(sid="SM" + "r" * 32, status="delivered", error_code=None)
    retry = _message(engine, first.message_id)
    assert (retry.retry_of_id, retry.status, retry.author_id) == (
        failed,
        MessageStatus.DELIVERED,
        agent.user_id,
    )
    assert _message(engine, failed).provider_sid == "SM" + f"0{30007:031d}"  # left as it was
    assert claims.claim_due() == []


def test_two_tabs_and_two_workers_retrying_at_once_send_one_message(
    engine: Engine, agent: Actor
) -> None:
    failed = _failed(agent, 30007)
    colleague = make_user("carol")
    actors = [agent, colleague] * 4

    results = all_at_once([partial(retry_message, actor=a, message_id=failed) for a in actors])

    assert len({r.message_id for r in results}) == 1
    assert sum(r.queued for r in results) == 1
    assert len(_retries_of(engine, failed)) == 1
    assert len(claims.claim_due(limit=10)) == 1


def test_retry_carries_the_files_of_the_failed_message(engine: Engine, agent: Actor) -> None:
    request = SendRequest(SUPPORT_NUMBER, PHONE, "pic", files=(CandidateFile("a.png", PNG),))
    send_sms(actor=agent, request=request)
    failed = undelivered(30007)
    retried = retry_message(actor=agent, message_id=failed)
    (job,) = claims.claim_due()
    assert job.message_id == retried.message_id and [n for _, n in job.media] == ["a.png"]


def test_retry_is_refused_as_send_is(engine: Engine, agent: Actor) -> None:
    failed = _failed(agent, 30007)
    with pytest.raises(AccessDenied):
        retry_message(actor=None, message_id=failed)
    with pytest.raises(AccessDenied):
        retry_message(actor=make_user("sam", roles=(Role.SUPERVISOR,)), message_id=failed)
    with pytest.raises(NotFound):
        retry_message(actor=agent, message_id=-1)
    receive_sms(sms=InboundSms("SM" + "s" * 32, PHONE, SUPPORT_NUMBER, "STOP"))
    with pytest.raises(InvalidInput, match="opted out"):
        retry_message(actor=agent, message_id=failed)
    assert _retries_of(engine, failed) == []


def test_only_a_failed_or_undelivered_message_is_retried(engine: Engine, agent: Actor) -> None:
    sent = send_sms(actor=agent, request=SendRequest(SUPPORT_NUMBER, PHONE, "hi"))
    with pytest.raises(InvalidInput, match="failed or undelivered"):
        retry_message(actor=agent, message_id=sent.message_id)


def test_an_unreachable_phone_is_tried_once_more_by_itself_later(
    engine: Engine, agent: Actor
) -> None:
    before = utcnow()
    failed = _failed(agent, 30003)

    (auto,) = _retries_of(engine, failed)
    assert auto.status is MessageStatus.QUEUED and auto.next_attempt_at is not None
    assert auto.next_attempt_at >= before + timedelta(seconds=900)  # AW_AUTO_RETRY_SECONDS
    assert "by itself in 15 minutes" in (auto.error_message or "")
    assert claims.claim_due() == []  # not due yet
    assert _bubble(engine, failed).retryable  # "you can retry now"

    # The agent retries now: the same retry goes now, no second one.
    now = retry_message(actor=agent, message_id=failed)
    assert (now.message_id, now.queued) == (auto.id, False)
    assert not _bubble(engine, failed).retryable
    (job,) = claims.claim_due()
    assert job.message_id == auto.id

    # The retry fails the same way: no second automatic retry.
    statuses.mark_accepted(
        message_id=job.message_id, lease_token=job.lease_token, sid="SM" + "a" * 32, status="sent"
    )
    statuses.apply_delivery_status(sid="SM" + "a" * 32, status="undelivered", error_code=30003)
    assert auto.id is not None and _retries_of(engine, auto.id) == []


def test_a_setup_failure_alerts_the_administrators_once_not_the_agent(
    engine: Engine, agent: Actor
) -> None:
    admin = make_user("ada", roles=(Role.ADMIN,))
    _failed(agent, 30034)
    _failed(agent, 30034, body="again", n=1)  # the same cause: one unread notice

    with Session(engine) as session:
        notices = list(session.exec(select(Notice).order_by(col(Notice.id))))
    assert [n.agent_id for n in notices] == [admin.user_id]
    assert "not registered" in notices[0].text and "30034" in notices[0].text

    # The administration page shows it until the administrator has read it.
    with pytest.raises(AccessDenied):
        setup_alerts(actor=agent)
    assert setup_alerts(actor=admin) == [notices[0].text]
    dismiss_setup_alerts(actor=admin)
    assert setup_alerts(actor=admin) == []


def test_the_conversation_shows_the_link_and_the_list_flags_the_failure(
    engine: Engine, agent: Actor
) -> None:
    failed = _failed(agent, 30007)
    interaction_id = _message(engine, failed).interaction_id

    def seen() -> tuple[bool, list[MessageItem]]:
        with Session(engine) as session:
            interaction = session.get(Interaction, interaction_id)
            assert interaction is not None
            flagged = row_view(session, interaction).last_outbound_failed
            return flagged, [message_item(m) for m in latest(session, interaction_id)[1]]

    flagged, (bubble,) = seen()
    assert flagged and bubble.retryable and bubble.link == ""
    assert "Rephrase it" in bubble.problem  # what happened, then what to do

    retry_message(actor=agent, message_id=failed)
    flagged, (before, after) = seen()
    assert not flagged  # the latest outbound is the retry, on its way
    assert not before.retryable and before.link.startswith("Retried")
    assert not after.retryable and after.link.startswith("Retry of")


def test_no_retry_by_itself_into_a_closed_interaction_or_to_an_opted_out_phone(
    engine: Engine, agent: Actor
) -> None:
    sent = send_sms(actor=agent, request=SendRequest(SUPPORT_NUMBER, PHONE, "one"))
    with transaction() as session:
        interaction = session.get(Interaction, sent.interaction_id)
        assert interaction is not None
        close_interaction(session=session, actor=agent, interaction=interaction, reason="done")
    closed = undelivered(30003, sid="SM" + "c" * 32)
    assert _retries_of(engine, closed) == []

    send_sms(actor=agent, request=SendRequest(SUPPORT_NUMBER, PHONE, "two"))
    receive_sms(sms=InboundSms("SM" + "s" * 32, PHONE, SUPPORT_NUMBER, "STOP"))
    opted_out = undelivered(30003, sid="SM" + "o" * 32)
    assert _retries_of(engine, opted_out) == []
