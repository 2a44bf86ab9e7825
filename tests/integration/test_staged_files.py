"""Files are judged when attached, shown before sending, and go with the message on Send."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.domain.attachments import AttachmentPolicy, CandidateFile
from agent_workspace.models import Attachment
from agent_workspace.services.errors import InvalidInput, NotFound
from agent_workspace.services.files import staged
from agent_workspace.services.sending.send import SendRequest, send_sms
from tests.integration.send.conftest import JPEG, PDF, PNG
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user


def test_staged_files_are_judged_at_once_and_go_with_the_message(engine: Engine) -> None:
    make_channel(policy=AttachmentPolicy(max_files=2))
    make_consumer("Dana", "+14155550123")
    alice, bob = make_user("alice"), make_user("bob")
    first = staged.stage(actor=alice, files=[CandidateFile("photo.jpg", JPEG)])
    assert [(f.filename, f.content_type, f.size) for f in first] == [
        ("photo.jpg", "image/jpeg", len(JPEG))
    ]
    with pytest.raises(InvalidInput, match="not allowed"):
        staged.stage(actor=alice, files=[CandidateFile("a.pdf", PDF)], already=[first[0].id])
    both = staged.stage(actor=alice, files=[CandidateFile("dot.png", PNG)], already=[first[0].id])
    with pytest.raises(InvalidInput, match="at most 2"):
        staged.stage(actor=alice, files=[CandidateFile("x.png", PNG)], already=[f.id for f in both])
    with pytest.raises(NotFound):
        staged.staged_files(actor=bob, ids=[both[0].id])  # not Bob's

    sent = send_sms(
        actor=alice,
        request=SendRequest(
            SUPPORT_NUMBER, "+14155550123", "pictures", staged=tuple(f.id for f in both)
        ),
    )
    with Session(engine) as session:
        rows = session.exec(select(Attachment).order_by(col(Attachment.id))).all()
    assert [(a.message_id, a.filename) for a in rows] == [
        (sent.message_id, "photo.jpg"),
        (sent.message_id, "dot.png"),
    ]


def test_a_discarded_file_is_not_sent(engine: Engine) -> None:
    make_channel()
    alice = make_user("alice")
    kept = staged.stage(actor=alice, files=[CandidateFile("photo.jpg", JPEG)])
    staged.discard(actor=alice, attachment_id=kept[0].id)
    with pytest.raises(NotFound, match="attach it again"):
        send_sms(
            actor=alice,
            request=SendRequest(SUPPORT_NUMBER, "+14155550123", "x", staged=(kept[0].id,)),
        )
