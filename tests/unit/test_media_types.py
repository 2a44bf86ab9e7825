"""What stored files are (from their bytes) and which ones a browser may show inline."""

import pytest

from agent_workspace.domain.media_types import (
    INLINE_TYPES,
    KNOWN_TYPES,
    OCTET_STREAM,
    detect_content_type,
    is_inline_safe,
)
from tests.unit.test_attachments import GIF89, HTML, JPEG, PDF, PNG, TEXT, VCARD, WAV, WEBP

SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (JPEG, "image/jpeg"),
        (PNG, "image/png"),
        (PDF, "application/pdf"),
        (VCARD, "text/vcard"),
        (TEXT, "text/plain"),
        # Types MMS does not carry keep their own name, so nothing is stored as what it is not.
        (HTML, "text/html"),
        (SVG, "image/svg+xml"),
        (WAV, "audio/wave"),
        (b"", OCTET_STREAM),
        (b"\x00\x01\x02\x03", OCTET_STREAM),
        (b"\xff\xd8", OCTET_STREAM),  # a truncated JPEG is not a JPEG
    ],
)
def test_detects_what_the_bytes_are_whatever_was_declared(data: bytes, content_type: str) -> None:
    assert detect_content_type(data) == content_type


def test_a_binary_signature_at_the_start_of_text_is_a_coincidence() -> None:
    assert detect_content_type(b"BMW is a car") == "text/plain"
    assert detect_content_type(b"RIFF raff") == "text/plain"
    assert detect_content_type(b"GIF89a was a good year for graphics") == "text/plain"


@pytest.mark.parametrize("data", [JPEG, PNG, GIF89, WEBP])
def test_raster_images_are_shown_inline(data: bytes) -> None:
    assert is_inline_safe(detect_content_type(data))


@pytest.mark.parametrize(
    "content_type",
    [
        "image/svg+xml",
        "text/html",
        "application/pdf",
        "text/plain",
        "text/vcard",
        "image/bmp",
        "video/mp4",
        OCTET_STREAM,
        "",
        "text/html; charset=utf-8",
        "image/svg+xml; a=image/png",
    ],
)
def test_everything_else_is_a_download(content_type: str) -> None:
    assert not is_inline_safe(content_type)


def test_inline_types_are_known_images() -> None:
    assert KNOWN_TYPES.keys() >= INLINE_TYPES
    assert all(t.startswith("image/") and "svg" not in t for t in INLINE_TYPES)
    assert is_inline_safe("IMAGE/PNG")
