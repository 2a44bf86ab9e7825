"""What a file is, judged from its bytes by a maintained detector, in the types MMS carries.

The detector (`puremagic`, pure Python) knows hundreds of signatures; this module maps its
answer onto the types Twilio accepts for MMS (KNOWN_TYPES, the administrator's choices) and
guards the three ways a signature detector is fooled: a two-byte signature by coincidence
("BM" starts a bitmap and the word "BMW"), a binary signature at the start of plain text
("RIFF ..." typed by a person), and a truncated header. Whatever the sender declared is never
consulted: it is what the sender's machine (or an attacker) says.
"""

import re
from collections.abc import Callable

import puremagic

OCTET_STREAM = "application/octet-stream"

KNOWN_TYPES: dict[str, tuple[str, ...]] = {
    "image/jpeg": (".jpg", ".jpeg", ".jpe", ".jfif"),
    "image/png": (".png",),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    "image/bmp": (".bmp",),
    "image/tiff": (".tif", ".tiff"),
    "image/heif": (".heic", ".heif", ".hif"),
    "video/mp4": (".mp4", ".m4v"),
    "video/3gpp": (".3gp", ".3gpp", ".3g2"),
    "video/quicktime": (".mov", ".qt"),
    "video/webm": (".webm",),
    "video/mpeg": (".mpg", ".mpeg", ".mpe"),
    "audio/mpeg": (".mp3", ".mpga"),
    "audio/mp4": (".m4a",),
    "audio/ogg": (".ogg", ".oga", ".opus"),
    "audio/amr": (".amr",),
    "application/pdf": (".pdf",),
    "text/vcard": (".vcf", ".vcard"),
    "text/calendar": (".ics", ".ifb"),
    "text/plain": (".txt", ".text"),
}
"""Every type sniff_content_type can return (all accepted by Twilio for MMS, image/webp
aside, which older policies may hold), with its extensions (the first is canonical)."""

TYPE_NAMES: dict[str, str] = {
    "image/jpeg": "JPEG image",
    "image/png": "PNG image",
    "image/gif": "GIF image",
    "image/webp": "WebP image",
    "image/bmp": "BMP image",
    "image/tiff": "TIFF image",
    "image/heif": "HEIC/HEIF photo",
    "video/mp4": "MP4 video",
    "video/3gpp": "3GPP video",
    "video/quicktime": "QuickTime video",
    "video/webm": "WebM video",
    "video/mpeg": "MPEG video",
    "audio/mpeg": "MP3 audio file",
    "audio/mp4": "M4A audio file",
    "audio/ogg": "Ogg audio file",
    "audio/amr": "AMR voice recording",
    "application/pdf": "PDF document",
    "text/vcard": "vCard contact",
    "text/calendar": "calendar invitation",
    "text/plain": "plain-text file",
}

INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
"""Raster images a browser renders without running anything: the only types served inline.
SVG, HTML, PDF and the rest can carry script or active content, so they are downloads."""

# The detector's names for a known type, where they differ from ours.
_ALIASES = {
    "image/jpg": "image/jpeg",
    "image/x-ms-bmp": "image/bmp",
    "image/heic": "image/heif",
    "video/3gpp2": "video/3gpp",
    "video/dvd": "video/mpeg",
    "application/ogg": "audio/ogg",
    "audio/x-m4a": "audio/mp4",
    "text/x-vcard": "text/vcard",
}
_BY_EXTENSION = {ext: kind for kind, exts in KNOWN_TYPES.items() for ext in exts}
# Formats that may legitimately be plain UTF-8 text from the first byte to the last.
_TEXT_FORMATS = frozenset(
    {"application/pdf", "application/xml", "application/json", "image/svg+xml"}
)
_MIME = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*")
_BMP_DIB_HEADER_SIZES = frozenset({12, 40, 52, 56, 64, 108, 124})
_SHORT_SIGNATURE = 3  # bytes; shorter signatures match by coincidence and need a second look


def _is_bmp(data: bytes) -> bool:
    return int.from_bytes(data[14:18], "little") in _BMP_DIB_HEADER_SIZES


def _is_mpeg_audio_frame(data: bytes) -> bool:
    """Frame sync (11 set bits) with a defined version, layer and bitrate."""
    if len(data) < 3 or data[0] != 0xFF or data[1] & 0xE0 != 0xE0:
        return False
    version, layer, bitrate = (data[1] >> 3) & 3, (data[1] >> 1) & 3, data[2] >> 4
    return version != 1 and layer != 0 and bitrate != 0xF


# A short signature counts only when the header behind it is confirmed; others never count.
_CONFIRM: dict[str, Callable[[bytes], bool]] = {
    "image/bmp": _is_bmp,
    "audio/mpeg": _is_mpeg_audio_frame,
}


def _as_text(data: bytes) -> str | None:
    """The bytes as UTF-8 text, or None when they are binary (a NUL or invalid UTF-8)."""
    if not data or b"\x00" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _known(mime: str, extension: str) -> str | None:
    kind = _ALIASES.get(mime, mime)
    if kind in KNOWN_TYPES:
        return kind
    return _BY_EXTENSION.get(extension.lower()) if not mime or mime == OCTET_STREAM else None


def _confirmed(kind: str, data: bytes) -> bool:
    confirm = _CONFIRM.get(kind)
    return confirm is not None and confirm(data)


def _is_specific(mime: str) -> bool:
    return mime != OCTET_STREAM and _MIME.fullmatch(mime) is not None


def _candidates(data: bytes) -> list[str]:
    """The detector's answers as types, best first (a known type wins a tie)."""
    try:
        matches = puremagic.magic_string(data)
    except (puremagic.PureError, ValueError):
        return []
    ranked: list[tuple[float, bool, str]] = []
    for match in matches:
        known = _known(match.mime_type, match.extension)
        short = len(match.byte_match) < _SHORT_SIGNATURE
        if known is not None and (not short or _confirmed(known, data)):
            ranked.append((match.confidence, True, known))
        elif known is None and not short and _is_specific(match.mime_type):
            ranked.append((match.confidence, False, match.mime_type))
    ranked.sort(key=lambda item: (-item[0], not item[1]))
    return [kind for _, _, kind in ranked]


def _text_type(text: str) -> str:
    if text.lstrip("\ufeff \t\r\n").upper().startswith("BEGIN:VCARD"):
        return "text/vcard"
    return "text/plain"


def detect_content_type(data: bytes) -> str:
    """The type of any bytes, known to MMS or not (e.g. "text/html"); what inbound files are
    stored and served as. Unrecognised binary data is "application/octet-stream"."""
    text = _as_text(data)
    for kind in _candidates(data):
        # Over text, a binary signature is a coincidence ("RIFF" typed by a person).
        if text is None or kind.startswith("text/") or kind in _TEXT_FORMATS:
            return kind
    return _text_type(text) if text is not None else OCTET_STREAM


def sniff_content_type(data: bytes) -> str | None:
    """One of KNOWN_TYPES, from the bytes; None when empty or not a type MMS carries.

    Text in a format we do not send (HTML, JSON, SVG ...) is plain text to a phone.
    """
    detected = detect_content_type(data)
    if detected in KNOWN_TYPES:
        return detected
    text = _as_text(data)
    return _text_type(text) if text is not None else None


def is_inline_safe(content_type: str) -> bool:
    """True only for the raster image types a browser may show in the page (INLINE_TYPES)."""
    return content_type.split(";")[0].strip().lower() in INLINE_TYPES
