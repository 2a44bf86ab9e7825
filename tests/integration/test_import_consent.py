"""The people CSV import as a consent source (issue 26 item 6), on SQLite and PostgreSQL: an
"Opted out" or "SMS consent" column records opt-outs (and opt-ins) in the consent ledger with
the source "import" and the administrator as the actor; a bad value refuses its row and the
file, and nothing already stored is lost."""

from __future__ import annotations

import secrets

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import transaction
from agent_workspace.models import InteractionType, OptOut, Role
from agent_workspace.services.access import Actor
from agent_workspace.services.conversation.opt_outs import opt_out_at_request
from agent_workspace.services.errors import InvalidInput
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.interactions.details import details
from agent_workspace.services.interactions.lifecycle import create_interaction
from agent_workspace.services.people import importing
from agent_workspace.services.people.directory import owners_of_phone
from agent_workspace.services.people.importing import Refusal
from agent_workspace.services.sending.send import SendRequest, send_sms
from tests.support.factories import (
    BILLING_NUMBER,
    SUPPORT_NUMBER,
    make_channel,
    make_consumer,
    make_user,
)

NORA, OTTO, PIA = "+14155550161", "+14155550162", "+14155550163"


@pytest.fixture
def ada(engine: Engine) -> Actor:
    make_channel()
    return make_user("ada", roles=(Role.ADMIN,))


def _opted_out(engine: Engine, phone: str) -> list[tuple[str, str]]:
    with Session(engine) as session:
        rows = session.exec(
            select(OptOut).where(OptOut.phone == phone, col(OptOut.opted_out))
        ).all()
        return sorted((r.sender, r.why) for r in rows)


def test_an_opted_out_column_stops_every_number_and_shows_in_the_history(
    engine: Engine, ada: Actor
) -> None:
    text = (
        "First name,Mobile,Opted out\n"
        f"Nora,{NORA},yes\n"
        f"Otto,{OTTO},no\n"  # never opted out: nothing to record
        f"Pia,{PIA},\n"
    )
    report = importing.import_people(actor=ada, text=text)

    assert (report.created, report.refused, report.consent_changes) == (3, (), 2)
    assert report.summary().endswith(" 2 consent changes recorded (source: import).")
    assert report.mapping["opted_out"] == "Opted out"
    assert _opted_out(engine, NORA) == [(SUPPORT_NUMBER, "import"), (BILLING_NUMBER, "import")]
    assert _opted_out(engine, OTTO) == _opted_out(engine, PIA) == []
    alice = make_user("alice")
    with pytest.raises(InvalidInput, match=r"imported as opted out by Ada on "):
        send_sms(actor=alice, request=SendRequest(BILLING_NUMBER, NORA, "Hello"))
    assert send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, OTTO, "Hello"))

    with transaction() as session:
        [nora] = owners_of_phone(session, NORA)
    call = create_interaction(actor=alice, type=InteractionType.PHONE, person=nora)
    history = details(actor=alice, interaction_id=call.id).consent
    assert {(c.opted_out, c.sender, c.source) for c in history} == {
        (True, "line 0", "Imported as opted out by Ada"),
        (True, "line 1", "Imported as opted out by Ada"),
    }


def test_a_bad_consent_value_refuses_its_row_and_nothing_stored_is_lost(
    engine: Engine, ada: Actor
) -> None:
    make_consumer("Nora", NORA)
    receive_sms(sms=InboundSms("SM" + secrets.token_hex(16), NORA, SUPPORT_NUMBER, "STOP"))
    text = f"First name,Mobile,SMS consent\nNora,{NORA},yes\nOtto,{OTTO},maybe\n"

    report = importing.import_people(actor=ada, text=text)

    assert report.refused == (
        Refusal(
            3,
            "SMS consent: 'maybe' is not one of yes, no, true, false, 1, 0, opted in, opted out.",
        ),
    )
    assert _opted_out(engine, NORA) == [(SUPPORT_NUMBER, "inbound keyword")]
    with Session(engine) as session:
        assert session.exec(select(OptOut).where(OptOut.phone == OTTO)).all() == []


def test_an_import_opts_in_what_the_team_recorded_never_a_stop_the_phone_texted(
    engine: Engine, ada: Actor
) -> None:
    alice = make_user("alice")
    make_consumer("Nora", NORA)
    sent = send_sms(actor=alice, request=SendRequest(BILLING_NUMBER, NORA, "Your order"))
    asked = receive_sms(
        sms=InboundSms("SM" + secrets.token_hex(16), NORA, BILLING_NUMBER, "please stop")
    )
    opt_out_at_request(actor=alice, interaction_id=sent.interaction_id, message_id=asked.message_id)
    receive_sms(sms=InboundSms("SM" + secrets.token_hex(16), NORA, SUPPORT_NUMBER, "STOP"))

    report = importing.import_people(
        actor=ada, text=f"First name,Mobile,SMS consent\nNora,{NORA},Opted in\n"
    )

    assert (report.updated, report.unchanged, report.consent_changes) == (0, 1, 1)
    assert _opted_out(engine, NORA) == [(SUPPORT_NUMBER, "inbound keyword")]
    with pytest.raises(InvalidInput, match="they texted STOP"):
        send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, NORA, "Hello"))


def test_both_consent_columns_at_once_are_refused(engine: Engine, ada: Actor) -> None:
    text = f"First name,Mobile,Opted out,SMS consent\nNora,{NORA},yes,no\n"
    with pytest.raises(InvalidInput, match="Choose one consent column"):
        importing.import_people(actor=ada, text=text)
