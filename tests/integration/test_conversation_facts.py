"""A conversation keeps the facts the Reports page reads (models/interaction.py): the
consumer's first text and the first response after it, as messages are stored through the
services (services/interactions/lifecycle.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import count

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.domain.reports import Grain, GroupBy, Period
from agent_workspace.models import Interaction, Message, Role
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.interactions.lifecycle import close_by_agent
from agent_workspace.services.reports.report import build_report
from agent_workspace.services.sending.send import SendRequest, send_sms
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user

DANA = "+14155550123"
_sids = (f"SM{n:032x}" for n in count(1))


def _facts(engine: Engine, iid: int) -> tuple[datetime | None, datetime | None]:
    with Session(engine) as session:
        found = session.get(Interaction, iid)
        assert found is not None
        return found.first_inbound_at, found.first_response_at


def _written(engine: Engine, iid: int, direction: str) -> list[datetime]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(Message.created_at)
                .where(Message.interaction_id == iid, col(Message.direction) == direction)
                .order_by(col(Message.id))
            ).all()
        )


def test_the_first_text_and_the_first_response_after_it_are_kept(engine: Engine) -> None:
    make_channel()
    make_consumer("Dana", DANA)
    alice = make_user("alice")
    sue = make_user("sue", roles=(Role.AGENT, Role.SUPERVISOR))

    def reply(body: str) -> int:
        return send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, DANA, body)).interaction_id

    def text(body: str) -> None:
        receive_sms(sms=InboundSms(sid=next(_sids), from_=DANA, to=SUPPORT_NUMBER, body=body))

    iid = reply("Hello Dana")  # we wrote first: nothing to answer yet
    assert _facts(engine, iid) == (None, None)

    text("Where is my order?")
    (first_text,) = _written(engine, iid, "inbound")
    assert _facts(engine, iid) == (first_text, None)

    reply("It ships today")
    first_response = _written(engine, iid, "outbound")[1]
    assert _facts(engine, iid) == (first_text, first_response)

    text("Thanks!")
    reply("You are welcome")
    close_by_agent(actor=alice, interaction_id=iid)
    assert _facts(engine, iid) == (first_text, first_response)  # the first ones stay

    today = datetime.now(UTC).date()
    report = build_report(
        actor=sue, period=Period(today, today, Grain.DAY, "UTC"), group=GroupBy.DESK
    )
    seconds = round((first_response - first_text).total_seconds())
    (row,) = report.table("response-times").rows
    assert row[:5] == (today.isoformat(), "All", 1, seconds, seconds)
