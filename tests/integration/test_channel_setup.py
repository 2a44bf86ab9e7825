"""An empty install gets its SMS channel and first number from an administrator or the CLI, and
both refuse bad input saying what is wrong (issue 24, item 1)."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from agent_workspace import cli
from agent_workspace.models import AuditEvent, Channel, ProviderNumber, Role, utcnow
from agent_workspace.services.channels import numbers, setup
from agent_workspace.services.errors import AccessDenied, FieldProblems, NotFound
from agent_workspace.services.sending.send import SendRequest, send_sms
from tests.support.factories import make_consumer, make_user
from tests.support.quiet_numbers import day_number

SUPPORT = "+14155550100"


def _count(engine: Engine, table: type[Channel] | type[ProviderNumber]) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(table)).one()


def _actions(engine: Engine) -> list[tuple[str, str, dict[str, object]]]:
    with Session(engine) as session:
        rows = session.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()
        return [(r.action, r.actor, r.detail) for r in rows if r.action.startswith("channel.")]


def test_an_admin_creates_the_channel_with_its_first_number_and_an_agent_sends(
    engine: Engine,
) -> None:
    ada = make_user("ada", roles=(Role.ADMIN,))
    alice = make_user("alice")
    assert setup.setup_status(actor=ada) == setup.SetupStatus(None, 0, 1)
    assert numbers.list_numbers(actor=ada) == []  # the page shows an empty list, no refusal
    made = setup.create_sms_channel(
        actor=ada, name="  Support  SMS ", region="us", number="(415) 555-0100", label="Support"
    )
    assert (made.name, made.region) == ("Support SMS", "US")
    assert setup.setup_status(actor=ada).complete
    assert [n.e164 for n in numbers.sending_numbers(actor=alice)] == [SUPPORT]
    # A new channel respects quiet hours (issue 26): Dana's number is one where it is day now.
    dana = day_number(utcnow())
    make_consumer("Dana", dana)
    send_sms(actor=alice, request=SendRequest(SUPPORT, dana, "Hello from day one"))
    assert [a for a, _, _ in _actions(engine)] == ["channel.created", "channel.number_added"]


@pytest.mark.parametrize(
    ("name", "region", "number", "field", "reason"),
    [
        ("", "US", "", "name", "A channel name of 1 to 80 characters is required"),
        ("SMS\u202e", "US", "", "name", "one line of visible text"),
        ("SMS", "XX", "", "region", "'XX' is not a region code"),
        ("SMS", "", "", "region", "Choose the default region"),
        ("SMS", "US", "415 555 01", "number", "too short"),
        ("SMS", "US", "call me", "number", "does not look like a phone number"),
    ],
)
def test_creating_the_channel_refuses_bad_input_and_writes_nothing(
    engine: Engine, name: str, region: str, number: str, field: str, reason: str
) -> None:
    ada = make_user("ada", roles=(Role.ADMIN,))
    with pytest.raises(FieldProblems) as refused:
        setup.create_sms_channel(actor=ada, name=name, region=region, number=number)
    assert reason in refused.value.problems[field]
    assert (_count(engine, Channel), _count(engine, ProviderNumber)) == (0, 0)
    assert _actions(engine) == []


def test_a_second_sms_channel_is_refused_and_the_first_is_edited_instead(engine: Engine) -> None:
    ada = make_user("ada", roles=(Role.ADMIN,))
    setup.create_sms_channel(actor=ada, name="SMS", region="US", number=SUPPORT)
    with pytest.raises(FieldProblems, match=r"already exists \(SMS\); edit it instead"):
        setup.create_sms_channel(actor=ada, name="Other", region="US")
    edited = setup.update_sms_channel(actor=ada, name="UK desk", region="GB")
    assert (edited.name, edited.region) == ("UK desk", "GB")
    # A number typed without its country code is now read as a UK number.
    added = numbers.add_number(actor=ada, number="07400 123456", label="Mobile line")
    assert added.e164 == "+447400123456"
    assert setup.update_sms_channel(actor=ada, name="UK desk", region="gb") == edited
    assert [a for a, _, _ in _actions(engine)].count("channel.updated") == 1


def test_numbers_are_refused_when_duplicate_or_on_another_channel(engine: Engine) -> None:
    ada = make_user("ada", roles=(Role.ADMIN,))
    setup.create_sms_channel(actor=ada, name="SMS", region="US", number=SUPPORT)
    with pytest.raises(FieldProblems, match="already a sending number of this channel"):
        numbers.add_number(actor=ada, number="+1 415 555 0100", label="")
    with Session(engine) as session:
        other = Channel(name="Legacy")
        session.add(other)
        session.flush()
        assert other.id is not None
        session.add(ProviderNumber(channel_id=other.id, e164="+14155550177"))
        session.commit()
    with pytest.raises(FieldProblems, match="already a sending number of another channel"):
        numbers.add_number(actor=ada, number="415-555-0177", label="")


def test_numbers_wait_for_the_channel_with_a_message_for_the_administrator(
    engine: Engine,
) -> None:
    ada = make_user("ada", roles=(Role.ADMIN,))
    with pytest.raises(NotFound, match="There is no SMS channel yet: create it first"):
        numbers.add_number(actor=ada, number=SUPPORT, label="")


def test_agents_may_not_set_up_the_channel(engine: Engine) -> None:
    alice = make_user("alice")
    with pytest.raises(AccessDenied):
        setup.create_sms_channel(actor=alice, name="SMS", region="US")
    with pytest.raises(AccessDenied):
        setup.create_sms_channel(actor=None, name="SMS", region="US")  # no CLI marker
    assert _count(engine, Channel) == 0


def test_the_cli_creates_and_edits_the_channel_and_adds_numbers(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    create = ["create-channel", "SMS", "--region", "US", "--number", "415 555 0100"]
    assert cli.main([*create, "--label", "Support line"]) == 0
    assert "Created the SMS channel SMS (default region US)" in capsys.readouterr().out
    assert cli.main(["add-number", "+14155550199", "--label", "Billing"]) == 0
    assert "Added Billing (+1 415-555-0199)" in capsys.readouterr().out
    assert cli.main(["update-channel", "--name", "Support SMS", "--region", "CA"]) == 0
    assert "Support SMS (default region CA)" in capsys.readouterr().out
    assert _actions(engine)[0][1:] == ("system", {"name": "SMS", "region": "US", "via": "cli"})

    assert cli.main(["add-number", "+1 415 555 0199"]) == 1
    assert "already a sending number of this channel" in capsys.readouterr().err
    assert cli.main(["add-number", "12"]) == 1
    assert "too short" in capsys.readouterr().err
    assert cli.main(["create-channel", "Another", "--region", "US"]) == 1
    assert "already exists (Support SMS); edit it instead" in capsys.readouterr().err
    assert cli.main(["update-channel", "--region", "ZZ"]) == 1
    assert "'ZZ' is not a region code" in capsys.readouterr().err
    assert _count(engine, ProviderNumber) == 2
    assert cli.main(["update-channel", "--business-name", "Acme Support"]) == 0
    assert setup.setup_status(actor=None, via="cli").channel.business_name == "Acme Support"  # type: ignore[union-attr]


def test_an_admin_sets_the_business_name_first_messages_must_carry_audited(
    engine: Engine,
) -> None:
    """Issue 26 item 8: the name a first text should say; blank means none; 80 at most."""
    ada = make_user("ada", roles=(Role.ADMIN,))
    setup.create_sms_channel(actor=ada, name="SMS", region="US", number=SUPPORT)
    assert setup.setup_status(actor=ada).channel.business_name == ""  # type: ignore[union-attr]
    named = setup.update_sms_channel(
        actor=ada, name="SMS", region="US", business_name="  Acme   Support "
    )
    assert named.business_name == "Acme Support"
    # Leaving it out (the CLI's edit) keeps it; the same value again writes nothing.
    assert setup.update_sms_channel(actor=ada, name="SMS", region="US").business_name == (
        "Acme Support"
    )
    setup.update_sms_channel(actor=ada, name="SMS", region="US", business_name="Acme Support")
    updates = [d for a, _, d in _actions(engine) if a == "channel.updated"]
    assert updates == [
        {
            "before": {"name": "SMS", "region": "US", "business_name": ""},
            "after": {"name": "SMS", "region": "US", "business_name": "Acme Support"},
        }
    ]
    assert (
        setup.update_sms_channel(
            actor=ada, name="SMS", region="US", business_name=" "
        ).business_name
        == ""
    )


def test_the_business_name_can_be_given_when_the_channel_is_created(engine: Engine) -> None:
    """A fresh install's admin names the business in the Create channel form: agents' first
    texts were warned 'should say who is writing' with no name to say until a later edit."""
    ada = make_user("ada", roles=(Role.ADMIN,))
    with pytest.raises(FieldProblems) as refused:
        setup.create_sms_channel(
            actor=ada, name="SMS", region="US", number=SUPPORT, business_name="x" * 81
        )
    assert "business_name" in refused.value.problems
    setup.create_sms_channel(
        actor=ada, name="SMS", region="US", number=SUPPORT, business_name=" Acme  Support "
    )
    assert setup.setup_status(actor=ada).channel.business_name == "Acme Support"  # type: ignore[union-attr]
    [created] = [d for a, _, d in _actions(engine) if a == "channel.created"]
    assert created["business_name"] == "Acme Support"


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("business_name", "A" * 81, "at most 80 characters"),
        ("business_name", "Acme\x00Support", "one line of visible text"),
        ("business_name", "Acme\u202eSupport", "one line of visible text"),
        ("messaging_service_sid", "PN4154e1578d6f7d406e99309eed40717d", "starts with MG"),
        (
            "messaging_service_sid",
            "MG4154e1578d6f7d406e99309eed4071",
            "MG and 32 hexadecimal digits",
        ),
        ("messaging_service_sid", "MG4154e1578d6f7d406e99309eed40717z", "not 0-9 or a-f"),
    ],
)
def test_a_bad_business_name_or_service_sid_is_a_field_error_and_nothing_changes(
    engine: Engine, field: str, value: str, reason: str
) -> None:
    """A name too long or hidden, or a Messaging Service SID Twilio would not know."""
    ada = make_user("ada", roles=(Role.ADMIN,))
    setup.create_sms_channel(actor=ada, name="SMS", region="US", number=SUPPORT)
    with pytest.raises(FieldProblems) as refused:
        setup.update_sms_channel(actor=ada, name="SMS", region="US", **{field: value})  # type: ignore[arg-type]
    assert reason in refused.value.problems[field]
    channel = setup.setup_status(actor=ada).channel
    assert channel is not None and getattr(channel, field) == ""
    assert "channel.updated" not in [a for a, _, _ in _actions(engine)]


SERVICE = "MG4154e1578d6f7d406e99309eed40717d"


def test_an_admin_sets_the_messaging_service_texts_go_through_audited(engine: Engine) -> None:
    """Issue 26 item 9: the channel's Twilio Messaging Service; blank sends from numbers again."""
    ada = make_user("ada", roles=(Role.ADMIN,))
    setup.create_sms_channel(actor=ada, name="SMS", region="US", number=SUPPORT)
    saved = setup.update_sms_channel(
        actor=ada, name="SMS", region="US", messaging_service_sid=f" {SERVICE} "
    )
    assert saved.messaging_service_sid == SERVICE
    # Left out (an edit that does not touch it) keeps it; the same value writes nothing.
    assert setup.update_sms_channel(actor=ada, name="SMS", region="US").messaging_service_sid
    setup.update_sms_channel(actor=ada, name="SMS", region="US", messaging_service_sid=SERVICE)
    cleared = setup.update_sms_channel(actor=ada, name="SMS", region="US", messaging_service_sid="")
    assert cleared.messaging_service_sid == ""
    with Session(engine) as session:
        assert session.exec(select(Channel.messaging_service_sid)).one() is None
    updates = [d for a, _, d in _actions(engine) if a == "channel.updated"]
    changes = [(u["before"], u["after"]) for u in updates]
    assert [(b["messaging_service_sid"], a["messaging_service_sid"]) for b, a in changes] == [  # type: ignore[index]
        ("", SERVICE),
        (SERVICE, ""),
    ]


def test_the_cli_sets_and_clears_the_messaging_service(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    create = ["create-channel", "SMS", "--region", "US", "--messaging-service", SERVICE]
    assert cli.main(create) == 0
    assert f"through Messaging Service {SERVICE}" in capsys.readouterr().out
    assert cli.main(["update-channel", "--messaging-service", "MG12"]) == 1
    assert "MG and 32 hexadecimal digits" in capsys.readouterr().err
    assert cli.main(["update-channel", "--region", "CA"]) == 0  # keeps the service
    assert f"through Messaging Service {SERVICE}" in capsys.readouterr().out
    assert cli.main(["update-channel", "--messaging-service", ""]) == 0
    assert "Messaging Service" not in capsys.readouterr().out
    assert cli.main(["create-channel", "X", "--region", "US", "--messaging-service", "x"]) == 1
