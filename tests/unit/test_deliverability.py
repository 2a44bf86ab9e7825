"""Checks shown before Send (domain/deliverability.py)."""

from __future__ import annotations

import pytest

from agent_workspace.domain.deliverability import (
    Attachment,
    CheckKind,
    check_message,
    gsm_lookalikes,
)
from agent_workspace.domain.segments import Encoding, count_segments


def kinds(body: str, **facts: object) -> list[CheckKind]:
    return [check.kind for check in check_message(body, **facts)]  # type: ignore[arg-type]


def test_a_plain_reply_has_no_checks() -> None:
    assert check_message("Your order ships today. Thanks!") == []


@pytest.mark.parametrize(
    ("typed", "fixed"),
    [
        ("It\u2019s ready", "It's ready"),
        ("\u201cquoted\u201d", '"quoted"'),
        ("9\u201317 \u2014 open", "9-17 - open"),
        ("a\u00a0b", "a b"),
        ("wait\u2026", "wait..."),
    ],
)
def test_smart_characters_are_replaced_with_gsm_lookalikes(typed: str, fixed: str) -> None:
    (check,) = check_message(typed)
    assert check.kind is CheckKind.UCS2 and check.fixed == fixed
    assert count_segments(check.fixed).encoding is Encoding.GSM7


def test_the_fix_says_how_many_segments_it_saves() -> None:
    typed = "It\u2019s " + "x" * 100  # 105 characters: 2 UCS-2 segments, 1 in GSM-7
    (check,) = check_message(typed)
    assert "(2 segments -> 1)" in check.words


def test_characters_without_a_lookalike_are_named_without_a_fix() -> None:
    (check,) = check_message("Merci \U0001f600")
    assert check.kind is CheckKind.UCS2 and check.fixed is None
    assert "\U0001f600" in check.words


def test_lookalikes_leave_gsm_text_alone() -> None:
    assert gsm_lookalikes("Plain {text} [ok] \u20ac5") == "Plain {text} [ok] \u20ac5"


@pytest.mark.parametrize(("length", "long"), [(320, False), (321, True)])
def test_over_320_characters_is_flagged(length: int, long: bool) -> None:
    assert (CheckKind.LONG in kinds("a" * length)) is long


@pytest.mark.parametrize(
    ("body", "flagged"),
    [
        ("see https://bit.ly/3xyz", True),
        ("see bit.ly/3xyz", True),
        ("see TinyURL.com/abc", True),
        ("see https://example.com/orders/1", False),
        ("total.ly fine", False),
    ],
)
def test_public_link_shorteners_are_flagged(body: str, flagged: bool) -> None:
    assert (CheckKind.SHORTENER in kinds(body)) is flagged


def test_a_first_message_names_the_business_and_says_how_to_stop() -> None:
    found = check_message("Hi, your parcel is late.", first_message=True, business_name="Acme")
    assert [c.kind for c in found] == [CheckKind.NO_BUSINESS_NAME, CheckKind.NO_OPT_OUT_HINT]
    assert found[1].fixed == "Hi, your parcel is late. Reply STOP to opt out."
    good = "Acme here: your parcel is late. Reply STOP to opt out."
    assert check_message(good, first_message=True, business_name="Acme") == []
    assert check_message("Hi, your parcel is late.", first_message=False) == []


PHOTO = Attachment("photo.jpg", "image/jpeg", 2_000_000)
BIG_PDF = Attachment("invoice.pdf", "application/pdf", 700 * 1024)
SMALL_PDF = Attachment("invoice.pdf", "application/pdf", 500 * 1024)


@pytest.mark.parametrize(
    ("region", "warned"), [("US", False), ("CA", False), ("GB", True), (None, False)]
)
def test_mms_outside_the_us_and_canada_arrives_as_a_link(region: str | None, warned: bool) -> None:
    found = kinds("photo", region=region, attachments=[PHOTO])
    assert (CheckKind.MMS_COUNTRY in found) is warned


@pytest.mark.parametrize(
    ("attachment", "warned"), [(PHOTO, False), (BIG_PDF, True), (SMALL_PDF, False)]
)
def test_a_non_image_over_600_kb_is_flagged(attachment: Attachment, warned: bool) -> None:
    assert (CheckKind.LARGE_FILE in kinds("file", attachments=[attachment])) is warned
