"""Signed, expiring links to stored attachments (what Twilio fetches for MMS, and browsers)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlmodel import select

from agent_workspace.db.engine import transaction
from agent_workspace.domain.attachments import CandidateFile
from agent_workspace.models import Attachment
from agent_workspace.services.files import media_links
from agent_workspace.services.files.storage import store_files
from tests.integration.pipeline.conftest import CONSUMER_PHONE, PNG, Pipeline


@pytest.fixture
def attachment(pipeline: Pipeline) -> Attachment:
    sent = pipeline.send(CONSUMER_PHONE, "see picture", files=(CandidateFile("map.png", PNG),))
    with transaction() as session:
        return session.exec(
            select(Attachment).where(Attachment.message_id == sent.message_id)
        ).one()


def _link(attachment: Attachment, **kwargs: int) -> str:
    assert attachment.id is not None
    return media_links.media_url(attachment.id, attachment.filename, **kwargs)


def test_a_valid_link_serves_the_bytes_with_their_type(attachment: Attachment) -> None:
    response = httpx.get(_link(attachment), timeout=5)
    assert response.status_code == 200
    assert response.content == PNG
    assert response.headers["content-type"] == "image/png"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-disposition"] == 'inline; filename="map.png"'


def test_expired_or_tampered_links_are_refused(attachment: Attachment) -> None:
    good = _link(attachment)
    parts = urlsplit(good)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    base = f"{parts.scheme}://{parts.netloc}{parts.path}"
    flipped = ("0" if query["sig"][0] != "0" else "1") + query["sig"][1:]
    assert attachment.id is not None
    other_id = f"{parts.scheme}://{parts.netloc}/api/media/{attachment.id + 1}/map.png"
    refused = {
        "expired": _link(attachment, ttl=-5),
        "signature flipped": f"{base}?exp={query['exp']}&sig={flipped}",
        "expiry extended": f"{base}?exp={int(query['exp']) + 3600}&sig={query['sig']}",
        "no signature": f"{base}?exp={query['exp']}",
        "nothing": base,
        "signature of another attachment": f"{other_id}?{parts.query}",
        "bad expiry": f"{base}?exp=soon&sig={query['sig']}",
    }
    answers = {name: httpx.get(url, timeout=5) for name, url in refused.items()}
    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(refused, 403)
    assert all(PNG not in r.content for r in answers.values())
    assert httpx.get(good, timeout=5).status_code == 200


def test_a_signed_link_to_a_missing_attachment_is_not_found(pipeline: Pipeline) -> None:
    response = httpx.get(media_links.media_url(999_999, "gone.png"), timeout=5)
    assert response.status_code == 404


SANDBOX = "default-src 'none'; sandbox"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>'
HTML = b"<html><script>fetch('/_event')</script></html>"


def _stored(data: bytes, content_type: str, filename: str) -> Attachment:
    """A stored file as an inbound download (or a row from before types came from bytes) left it."""
    with transaction() as session:
        [(key, digest)] = store_files(session, [data])
        row = Attachment(
            filename=filename,
            content_type=content_type,
            size=len(data),
            sha256=digest,
            storage_key=key,
        )
        session.add(row)
        session.flush()
        session.refresh(row)
        return row


def test_every_served_file_is_sandboxed_and_never_sniffed(attachment: Attachment) -> None:
    response = httpx.get(_link(attachment), timeout=5)
    assert response.headers["content-security-policy"] == SANDBOX
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    ("data", "content_type", "filename"),
    [
        (SVG, "image/svg+xml", "drawing.svg"),
        (HTML, "text/html", "page.html"),
        (HTML, "", "page.jpg"),  # no stored type: never guessed from the name
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "application/pdf", "terms.pdf"),
        (b"BEGIN:VCARD\r\nEND:VCARD\r\n", "text/vcard", "ada.vcf"),
    ],
)
def test_anything_but_a_raster_image_is_served_as_a_sandboxed_download(
    pipeline: Pipeline, data: bytes, content_type: str, filename: str
) -> None:
    row = _stored(data, content_type, filename)
    response = httpx.get(_link(row), timeout=5)
    assert response.status_code == 200
    assert response.content == data
    assert response.headers["content-type"].split(";")[0] == (
        content_type or "application/octet-stream"
    )
    assert response.headers["content-disposition"] == f'attachment; filename="{filename}"'
    assert response.headers["content-security-policy"] == SANDBOX
    assert response.headers["x-content-type-options"] == "nosniff"
