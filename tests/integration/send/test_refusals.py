"""Every refusal says why, specifically, and writes nothing: no message, interaction, profile
or audit row."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from agent_workspace.domain.attachments import AttachmentPolicy, CandidateFile
from agent_workspace.domain.routing import Workflow
from agent_workspace.models import Attachment, Role
from agent_workspace.services.access import Actor
from agent_workspace.services.channels.consent import set_stop_channel_wide
from agent_workspace.services.errors import AccessDenied, InvalidInput, NotFound, ServiceError
from agent_workspace.services.files.storage import read_bytes
from agent_workspace.services.interactions.confirmations import ConfirmationNeeded
from agent_workspace.services.sending.send import SendRequest, send_sms
from tests.integration.send.conftest import JPEG, PDF, PHONE, PNG, counts, inbound
from tests.support.factories import (
    BILLING_NUMBER,
    SUPPORT_NUMBER,
    make_channel,
    make_consumer,
    make_contact,
    make_user,
)


def request(**changes: object) -> SendRequest:
    fields: dict[str, object] = {"from_number": SUPPORT_NUMBER, "to": PHONE, "body": "Hello"}
    fields.update(changes)
    return SendRequest(**fields)  # type: ignore[arg-type]


def assert_refused(
    engine: Engine,
    actor: Actor | None,
    req: SendRequest,
    error: type[ServiceError],
    message: str,
) -> None:
    before = counts(engine)
    with pytest.raises(error) as raised:
        send_sms(actor=actor, request=req)
    assert message in raised.value.message
    assert counts(engine) == before


@pytest.fixture
def carol(engine: Engine, channel_id: int) -> None:
    make_consumer("Carol", PHONE)


@pytest.mark.usefixtures("carol")
def test_a_user_without_the_agent_role_or_not_signed_in_is_refused(
    engine: Engine, channel_id: int
) -> None:
    supervisor = make_user("sam", roles=(Role.SUPERVISOR, Role.ADMIN))
    assert_refused(engine, supervisor, request(), AccessDenied, "does not have the agent_workspace")
    assert_refused(engine, None, request(), AccessDenied, "Please sign in first.")


@pytest.mark.usefixtures("carol")
def test_a_from_number_that_is_not_the_channels_is_refused(engine: Engine, agent: Actor) -> None:
    assert_refused(
        engine,
        agent,
        request(from_number="+14155550177"),
        InvalidInput,
        "+14155550177 is not a sending number of the SMS channel.",
    )


@pytest.mark.usefixtures("carol")
def test_a_to_number_that_is_the_channels_own_is_refused(engine: Engine, agent: Actor) -> None:
    assert_refused(
        engine,
        agent,
        request(to="(415) 555-0199"),
        InvalidInput,
        f"{BILLING_NUMBER} is one of the SMS channel's own numbers, not a phone.",
    )


@pytest.mark.parametrize(
    ("to", "message"),
    [
        ("+1 123 456 7890", "+1 123 456 7890 is not a valid number in US (+1)."),
        ("+44 20 7946 0958", "is a landline (fixed-line) number and cannot receive SMS."),
        ("555-0123", "555-0123 is too short for a number in US (+1); is the area code missing?"),
        ("415 555", "415 555 is too short for a number in US (+1)."),
        ("", "Enter a phone number."),
    ],
)
def test_a_to_number_that_cannot_receive_sms_is_refused_with_a_specific_message(
    engine: Engine, agent: Actor, to: str, message: str
) -> None:
    assert_refused(engine, agent, request(to=to), InvalidInput, message)


@pytest.mark.usefixtures("carol")
def test_an_empty_body_without_files_is_refused(engine: Engine, agent: Actor) -> None:
    assert_refused(
        engine, agent, request(body="  \n "), InvalidInput, "Write a message or attach a file"
    )


@pytest.mark.usefixtures("carol")
def test_a_message_that_is_only_a_shortcut_goes_only_when_the_agent_says_so(
    engine: Engine, agent: Actor
) -> None:
    """ "/ref" and a quick Enter had reached the consumer as "/ref"."""
    assert_refused(engine, agent, request(body="/ref"), ConfirmationNeeded, 'only "/ref"')
    sent = send_sms(actor=agent, request=request(body="/ref", confirmed=True))
    assert sent.message_id


@pytest.mark.usefixtures("carol")
def test_a_body_over_1600_characters_is_refused_and_1600_is_accepted(
    engine: Engine, agent: Actor
) -> None:
    assert_refused(
        engine,
        agent,
        request(body="x" * 1601),
        InvalidInput,
        "The message is 1,601 characters long, 1 over the 1,600-character limit.",
    )
    assert send_sms(actor=agent, request=request(body="x" * 1600)).workflow is Workflow.NO_ACTIVE


@pytest.mark.usefixtures("carol")
@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            (CandidateFile("invoice.pdf", PDF),),
            "invoice.pdf is a PDF document, which is not allowed",
        ),
        ((CandidateFile("photo.jpg", PNG),), "photo.jpg looks like a PNG image, not a .jpg file."),
        (
            (CandidateFile("ok.png", PNG), CandidateFile("notes.txt", b"call me")),
            "notes.txt is a plain-text file, which is not allowed",
        ),
        (
            (CandidateFile("huge.png", PNG + b"\0" * (5 * 1024 * 1024)),),
            "the limit is 5 MB per message.",
        ),
        ((CandidateFile("empty.png", b""),), "empty.png is empty."),
        (
            tuple(CandidateFile(f"{i}.png", PNG) for i in range(11)),
            "11 files are attached; a message can carry at most 10.",
        ),
    ],
    ids=[
        "pdf-not-allowed",
        "extension-mismatch",
        "text-not-allowed",
        "too-large",
        "empty",
        "eleven-files",
    ],
)
def test_a_disallowed_attachment_is_refused_by_its_bytes(
    engine: Engine, agent: Actor, files: tuple[CandidateFile, ...], message: str
) -> None:
    assert_refused(engine, agent, request(files=files), InvalidInput, message)


@pytest.mark.usefixtures("carol")
def test_allowed_images_are_stored_with_the_type_from_their_bytes(
    engine: Engine, agent: Actor
) -> None:
    files = (CandidateFile("../Photo 1.JPG", JPEG), CandidateFile("scan.png", PNG))

    result = send_sms(actor=agent, request=request(body="", files=files))

    with Session(engine) as session:
        stored = session.exec(
            select(Attachment).where(Attachment.message_id == result.message_id)
        ).all()
    by_name = {a.filename: a for a in stored}
    assert set(by_name) == {"Photo_1.JPG", "scan.png"}
    assert by_name["Photo_1.JPG"].content_type == "image/jpeg"
    assert by_name["scan.png"].content_type == "image/png"
    for attachment, data in ((by_name["Photo_1.JPG"], JPEG), (by_name["scan.png"], PNG)):
        assert attachment.size == len(data)
        assert attachment.uploaded_by_id == agent.user_id
        assert attachment.storage_key is not None
        assert read_bytes(attachment.storage_key) == data


def test_an_administrator_can_allow_more_types(engine: Engine) -> None:
    make_channel(policy=AttachmentPolicy(allowed_types=frozenset({"image/png", "application/pdf"})))
    make_consumer("Carol", PHONE)
    agent = make_user("alice")

    result = send_sms(actor=agent, request=request(files=(CandidateFile("invoice.pdf", PDF),)))

    with Session(engine) as session:
        [stored] = session.exec(
            select(Attachment).where(Attachment.message_id == result.message_id)
        ).all()
    assert (stored.filename, stored.content_type, stored.size) == (
        "invoice.pdf",
        "application/pdf",
        len(PDF),
    )


def test_a_recipient_who_texted_stop_is_refused_for_that_sender_until_start(
    engine: Engine, agent: Actor
) -> None:
    make_consumer("Carol", PHONE)
    set_stop_channel_wide(actor=make_user("ada", roles=(Role.ADMIN,)), on=False)  # Twilio's scope
    inbound("STOP")

    assert_refused(
        engine,
        agent,
        request(),
        InvalidInput,
        f"{PHONE} has opted out of messages from {SUPPORT_NUMBER} (they texted STOP on ",
    )
    assert_refused(
        engine, agent, request(), InvalidInput, "Sending is refused until they text START."
    )
    other_line = send_sms(actor=agent, request=request(from_number=BILLING_NUMBER))
    assert other_line.workflow is Workflow.ACTIVE_VIRTUAL_AGENT  # the STOP opened one

    inbound("START")
    again = send_sms(actor=agent, request=request(body="Welcome back"))
    assert again.interaction_id == other_line.interaction_id


def test_a_shared_phone_without_an_interaction_to_say_who_is_meant_is_refused(
    engine: Engine, agent: Actor
) -> None:
    make_consumer("Dan", PHONE)
    make_contact("Erin", PHONE)
    assert_refused(
        engine,
        agent,
        request(),
        InvalidInput,
        f"{PHONE} belongs to several people (Dan Tester, Erin Contact). Compose from an "
        "interaction with the person you mean.",
    )


@pytest.mark.usefixtures("carol")
def test_an_unknown_interaction_is_refused(engine: Engine, agent: Actor) -> None:
    assert_refused(
        engine,
        agent,
        request(interaction_id=987654),
        NotFound,
        "Interaction 987654 does not exist.",
    )
