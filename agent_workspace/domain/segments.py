"""SMS length and segment counting, so the agent sees what the message will cost before sending.

A message is GSM-7 when every character is in the GSM 03.38 basic or extension table, else
UCS-2. Long messages are split into concatenated segments whose header takes 7 septets (GSM-7)
or 3 UTF-16 units (UCS-2), leaving 153 or 67 per segment. A character is never split across
segments: an extension character (escape + code) or a surrogate pair that would straddle a
boundary moves whole to the next segment, as handsets and carriers do.
"""

from dataclasses import dataclass
from enum import StrEnum

MAX_BODY_CHARS = 1600
"""Longest body the provider accepts (Twilio), counted in characters."""

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
"""GSM 03.38 default alphabet, without the escape code itself (it is not a character)."""

GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")
"""GSM 03.38 extension table; each costs two septets (escape + code)."""

_GSM_SINGLE, _GSM_MULTI = 160, 153
_UCS2_SINGLE, _UCS2_MULTI = 70, 67


class Encoding(StrEnum):
    """How the body travels; UCS-2 more than halves the room per segment."""

    GSM7 = "GSM-7"
    UCS2 = "UCS-2"


@dataclass(frozen=True)
class SegmentInfo:
    """What the compose form shows under the message box.

    Attributes:
        encoding: GSM-7 when every character fits it, else UCS-2.
        length: Septets for GSM-7 (extension characters count 2), UTF-16 units for UCS-2.
        segments: Segments the provider will bill; 0 for an empty body.
        per_segment: Room in each segment: 160/153 (GSM-7) or 70/67 (UCS-2).
        chars_left_in_segment: Units still free in the last segment before another starts.
        chars_left: MAX_BODY_CHARS minus the body's characters; negative when over.
        too_long: Whether the body exceeds MAX_BODY_CHARS.
    """

    encoding: Encoding
    length: int
    segments: int
    per_segment: int
    chars_left_in_segment: int
    chars_left: int
    too_long: bool


def count_segments(body: str) -> SegmentInfo:
    """Count encoding, length and segments of a message body."""
    if all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in body):
        encoding = Encoding.GSM7
        weights = [2 if char in GSM7_EXTENSION else 1 for char in body]
        single, multi = _GSM_SINGLE, _GSM_MULTI
    else:
        encoding = Encoding.UCS2
        weights = [2 if ord(char) > 0xFFFF else 1 for char in body]
        single, multi = _UCS2_SINGLE, _UCS2_MULTI
    length = sum(weights)
    if length <= single:
        segments, per_segment, used_in_last = (1 if length else 0), single, length
    else:
        segments, used_in_last = _pack(weights, multi)
        per_segment = multi
    return SegmentInfo(
        encoding=encoding,
        length=length,
        segments=segments,
        per_segment=per_segment,
        chars_left_in_segment=per_segment - used_in_last,
        chars_left=MAX_BODY_CHARS - len(body),
        too_long=len(body) > MAX_BODY_CHARS,
    )


def _pack(weights: list[int], capacity: int) -> tuple[int, int]:
    """Fill segments greedily without splitting a character; return (segments, used in last)."""
    segments, used = 1, 0
    for weight in weights:
        if used + weight > capacity:
            segments, used = segments + 1, 0
        used += weight
    return segments, used


def check_body(body: str, *, has_media: bool) -> str | None:
    """Say why a body cannot be sent, or None when it can.

    Args:
        body: The message text; whitespace alone counts as empty.
        has_media: Whether files are attached; an MMS may go without text.
    """
    if not body.strip() and not has_media:
        return "Write a message or attach a file before sending."
    over = len(body) - MAX_BODY_CHARS
    if over > 0:
        return (
            f"The message is {len(body):,} characters long, {over:,} over the "
            f"{MAX_BODY_CHARS:,}-character limit."
        )
    return None
