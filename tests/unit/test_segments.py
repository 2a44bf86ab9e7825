"""Segment counting: what the agent sees under the message box before sending."""

import pytest

from agent_workspace.domain.segments import (
    GSM7_BASIC,
    GSM7_EXTENSION,
    MAX_BODY_CHARS,
    Encoding,
    SegmentInfo,
    check_body,
    count_segments,
)

GSM, UCS = Encoding.GSM7, Encoding.UCS2
EMOJI = "\U0001f600"  # outside the BMP: one character, two UTF-16 units


@pytest.mark.parametrize(
    ("body", "encoding", "length", "segments", "per_segment", "left_in_segment"),
    [
        ("", GSM, 0, 0, 160, 160),
        ("a", GSM, 1, 1, 160, 159),
        ("a" * 159, GSM, 159, 1, 160, 1),
        ("a" * 160, GSM, 160, 1, 160, 0),
        ("a" * 161, GSM, 161, 2, 153, 145),
        ("a" * 306, GSM, 306, 2, 153, 0),
        ("a" * 307, GSM, 307, 3, 153, 152),
        ("a" * 459, GSM, 459, 3, 153, 0),
        ("a" * 460, GSM, 460, 4, 153, 152),
        ("a" * 1600, GSM, 1600, 11, 153, 83),
        # Extension characters cost two septets, across the single-segment boundary too.
        ("€", GSM, 2, 1, 160, 158),
        ("a" * 158 + "€", GSM, 160, 1, 160, 0),
        ("a" * 159 + "€", GSM, 161, 2, 153, 145),
        ("{" * 80, GSM, 160, 1, 160, 0),
        ("{" * 81, GSM, 162, 2, 153, 143),  # 76 fit the first: 152 septets
        # An extension character never straddles two segments: it moves whole.
        ("a" * 152 + "€" + "a" * 10, GSM, 164, 2, 153, 141),
        ("a" * 151 + "€" + "a" * 10, GSM, 163, 2, 153, 143),
        # Accented letters in the GSM table stay GSM-7; the rest force UCS-2.
        ("é" * 160, GSM, 160, 1, 160, 0),
        ("ç", UCS, 1, 1, 70, 69),
        ("a" * 70, GSM, 70, 1, 160, 90),
        ("ж" * 70, UCS, 70, 1, 70, 0),
        ("ж" * 71, UCS, 71, 2, 67, 63),
        ("ж" * 134, UCS, 134, 2, 67, 0),
        ("ж" * 135, UCS, 135, 3, 67, 66),
        ("a" * 69 + "ж", UCS, 70, 1, 70, 0),
        # A GSM extension character inside a UCS-2 message costs one unit.
        ("€" * 69 + "ж", UCS, 70, 1, 70, 0),
        # Emoji are surrogate pairs: two units each, never split across segments.
        (EMOJI, UCS, 2, 1, 70, 68),
        (EMOJI * 35, UCS, 70, 1, 70, 0),
        (EMOJI * 36, UCS, 72, 2, 67, 61),
        ("a" * 66 + EMOJI + "a", UCS, 69, 1, 70, 1),
        ("a" * 66 + EMOJI + "a" * 4, UCS, 72, 2, 67, 61),
    ],
)
def test_counts_encoding_length_and_segments(
    body: str,
    encoding: Encoding,
    length: int,
    segments: int,
    per_segment: int,
    left_in_segment: int,
) -> None:
    info = count_segments(body)

    assert (info.encoding, info.length, info.segments) == (encoding, length, segments)
    assert (info.per_segment, info.chars_left_in_segment) == (per_segment, left_in_segment)


@pytest.mark.parametrize(
    ("body", "chars_left", "too_long"),
    [
        ("", 1600, False),
        ("a" * 1599, 1, False),
        ("a" * 1600, 0, False),
        ("a" * 1601, -1, True),
        (EMOJI * 1600, 0, False),
        ("ж" * 1700, -100, True),
    ],
)
def test_chars_left_counts_characters_against_the_provider_limit(
    body: str, chars_left: int, too_long: bool
) -> None:
    info = count_segments(body)

    assert (info.chars_left, info.too_long) == (chars_left, too_long)


def test_empty_body_has_no_segments() -> None:
    assert count_segments("") == SegmentInfo(
        encoding=Encoding.GSM7,
        length=0,
        segments=0,
        per_segment=160,
        chars_left_in_segment=160,
        chars_left=MAX_BODY_CHARS,
        too_long=False,
    )


def test_gsm_tables_match_gsm_03_38() -> None:
    assert len(GSM7_BASIC) == 127  # 128 codes less the escape
    assert frozenset("^{}\\[~]|€\f") == GSM7_EXTENSION
    assert not GSM7_BASIC & GSM7_EXTENSION
    assert "\x1b" not in GSM7_BASIC


@pytest.mark.parametrize("char", sorted(GSM7_BASIC))
def test_every_basic_gsm_character_costs_one_septet(char: str) -> None:
    info = count_segments(char)

    assert (info.encoding, info.length) == (Encoding.GSM7, 1)


@pytest.mark.parametrize("char", sorted(GSM7_EXTENSION))
def test_every_extension_character_costs_two_septets(char: str) -> None:
    info = count_segments(char)

    assert (info.encoding, info.length) == (Encoding.GSM7, 2)


@pytest.mark.parametrize(
    "char", ["`", "\x1b", "\t", "ç", "á", "\u2019", "\u201c", "«", "\u00a0", "中"]
)
def test_characters_outside_gsm_force_ucs2(char: str) -> None:
    assert count_segments("hello " + char).encoding is Encoding.UCS2


@pytest.mark.parametrize(
    ("body", "has_media", "error"),
    [
        ("hello", False, None),
        ("hello", True, None),
        ("", True, None),
        ("   \n", True, None),
        ("a" * 1600, False, None),
        ("", False, "Write a message or attach a file before sending."),
        (" \n\t", False, "Write a message or attach a file before sending."),
        (
            "a" * 1601,
            False,
            "The message is 1,601 characters long, 1 over the 1,600-character limit.",
        ),
        (
            "ж" * 2000,
            True,
            "The message is 2,000 characters long, 400 over the 1,600-character limit.",
        ),
    ],
)
def test_check_body_refuses_empty_text_without_media_and_overlong_text(
    body: str, has_media: bool, error: str | None
) -> None:
    assert check_body(body, has_media=has_media) == error
