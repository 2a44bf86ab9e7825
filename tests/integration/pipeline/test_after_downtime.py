"""After downtime nothing stays wrong: a status callback that came while the app was down is
not sent again (Twilio never retries one), so the provider is asked; and a reconcile lookup
that can never decide ends where the agent sees it, instead of being retried for ever."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from agent_workspace.db.engine import transaction
from agent_workspace.models import Message, MessageStatus, utcnow
from agent_workspace.services.conversation.conversation import load_conversation
from agent_workspace.services.outbox.dispatch import Dispatcher
from agent_workspace.services.outbox.statuses import claim_unsettled
from agent_workspace.sms import OutboundSms, TwilioGateway
from agent_workspace.web.runtime import make_dispatcher
from tests.integration.pipeline.conftest import CONSUMER_PHONE, Pipeline, audit_rows, count
from tests.support.factories import SUPPORT_NUMBER, make_consumer
from tests.support.servers import free_port
from tests.support.waiting import wait_until


def _down_app_dispatcher(pipeline: Pipeline, *, check_after: timedelta) -> Dispatcher:
    """Sends as the app does, but its status callbacks go where nothing listens: the app was
    down (killed, restarting) when each of them came."""
    return Dispatcher(
        pipeline.gateway,
        status_callback_url=f"http://127.0.0.1:{free_port()}/api/twilio/status",
        media_url=lambda i, name: name,
        status_check_after=check_after,
    )


def _callbacks_lost(pipeline: Pipeline, sid: str, final: str) -> None:
    def lost() -> bool:
        (copy,) = pipeline.sim_messages(sid=sid)
        tried = [c for c in copy["callbacks"] if c["status"] == final]
        return copy["status"] == final and bool(tried) and not tried[0]["ok"]

    wait_until(lost, what=f"the simulator to have posted {final} to nobody")


def test_a_message_whose_callbacks_came_while_the_app_was_down_is_settled(
    pipeline: Pipeline,
) -> None:
    down = _down_app_dispatcher(pipeline, check_after=timedelta(0))
    sent = pipeline.send(CONSUMER_PHONE, "sent while you were restarting")
    assert down.run_once() == 1
    sid = pipeline.message(sent.message_id).provider_sid
    assert sid is not None
    _callbacks_lost(pipeline, sid, "delivered")
    assert pipeline.message(sent.message_id).status is MessageStatus.QUEUED  # nobody told us

    settled = pipeline.drain(sent.message_id, "delivered", dispatcher=down, step=down.settle_once)
    assert settled.status_check_due_at is None  # final: never asked again
    (copy,) = pipeline.sim_messages(sid=sid)
    assert [c["status"] for c in copy["callbacks"]].count("delivered") == 1, (
        "posted once, as Twilio"
    )
    (row,) = [
        r for r in audit_rows("message.status", sent.message_id) if r.detail["to"] == "delivered"
    ]
    assert row.actor == "provider"


def test_an_undelivered_outcome_is_settled_with_its_error(pipeline: Pipeline) -> None:
    make_consumer("Una", "+12015550133")  # the simulator's "undelivered 30003"
    down = _down_app_dispatcher(pipeline, check_after=timedelta(0))
    sent = pipeline.send("+12015550133", "to a phone that is off")
    assert down.run_once() == 1
    _callbacks_lost(pipeline, pipeline.message(sent.message_id).provider_sid or "", "undelivered")
    settled = pipeline.drain(sent.message_id, "undelivered", dispatcher=down, step=down.settle_once)
    assert settled.error_code == 30003


def test_status_checks_wait_for_their_time_and_back_off(pipeline: Pipeline) -> None:
    down = _down_app_dispatcher(pipeline, check_after=timedelta(minutes=10))
    sent = pipeline.send(CONSUMER_PHONE, "not yet")
    assert down.run_once() == 1
    due = pipeline.message(sent.message_id).status_check_due_at
    assert due is not None and timedelta(minutes=9) < due - utcnow() <= timedelta(minutes=10)
    assert down.settle_once() == 0  # not before its time

    _make_due(sent.message_id)
    assert claim_unsettled(limit=10, first=timedelta(minutes=10)) != []
    pushed = pipeline.message(sent.message_id)
    assert pushed.status_checks == 1
    assert pushed.status_check_due_at is not None
    assert timedelta(minutes=19) < pushed.status_check_due_at - utcnow() <= timedelta(minutes=20)


def test_a_message_older_than_three_days_is_no_longer_asked_about(pipeline: Pipeline) -> None:
    pipeline.simulator.stop()  # whatever happens, the provider is not asked
    sent = pipeline.send(CONSUMER_PHONE, "long ago")
    with transaction() as session:
        session.execute(
            update(Message)
            .where(Message.id == sent.message_id)  # type: ignore[arg-type]
            .values(
                provider_sid="SM" + "a" * 32,
                created_at=utcnow() - timedelta(days=4),
                status_check_due_at=utcnow(),
            )
        )
    assert claim_unsettled(limit=10) == []
    assert pipeline.message(sent.message_id).status_check_due_at is None


def test_a_sid_the_provider_does_not_know_is_asked_about_once(pipeline: Pipeline) -> None:
    sent = pipeline.send(CONSUMER_PHONE, "unknown there")
    with transaction() as session:
        session.execute(
            update(Message)
            .where(Message.id == sent.message_id)  # type: ignore[arg-type]
            .values(provider_sid="SM" + "b" * 32, status_check_due_at=utcnow())
        )
    assert pipeline.dispatcher.settle_once() == 1
    message = pipeline.message(sent.message_id)
    assert message.status_check_due_at is None and message.status is MessageStatus.QUEUED
    assert audit_rows("message.status_checked", sent.message_id)[0].detail["found"] is False


def test_a_lookup_that_cannot_decide_ends_unconfirmed_where_the_agent_sees_it(
    pipeline: Pipeline,
) -> None:
    """A create timed out; the provider's list then holds more recent messages between the two
    numbers than the lookup reads: it can never tell, so the message is not retried for ever
    (nor sent blind) but ends "Not confirmed", saying what to do."""
    for i in range(3):  # more than 1 page of 2
        pipeline.gateway.send(OutboundSms(to=CONSUMER_PHONE, from_=SUPPORT_NUMBER, body=f"x{i}"))
    short_sighted = TwilioGateway(
        pipeline.account_sid,
        pipeline.auth_token,
        api_base_url=pipeline.simulator.url,
        timeout=0.4,
        list_page_size=2,
        list_max_pages=1,
    )
    dispatcher = make_dispatcher(gateway=short_sighted)
    pipeline.sim_post("faults", {"kind": "hang", "count": 1, "delay": 1.0})
    sent = pipeline.send(CONSUMER_PHONE, "did it go?")
    assert dispatcher.run_once() == 1  # timed out: uncertain
    ended = pipeline.drain(sent.message_id, "unconfirmed", dispatcher=dispatcher)
    assert ended.provider_sid is None and ended.needs_reconcile is False
    assert count(Message, Message.body == "did it go?") == 1
    assert len(pipeline.sim_messages(body="did it go?")) == 1, "never sent blind"
    assert dispatcher.run_once() == 0, "and never claimed again"
    (shown,) = [m for m in load_conversation(sent.interaction_id).tail if m.id == sent.message_id]
    assert shown.status == "unconfirmed"
    assert shown.problem.startswith("Not confirmed: there were more than 2 recent messages")
    assert "check with them before sending it again" in shown.problem
    assert audit_rows("message.unconfirmed", sent.message_id)


def _make_due(message_id: int) -> None:
    with transaction() as session:
        session.execute(
            update(Message)
            .where(Message.id == message_id)  # type: ignore[arg-type]
            .values(status_check_due_at=utcnow())
        )
