"""Whether a stored number can take a text, and what the panel and the To list call it."""

from __future__ import annotations

import pytest

from agent_workspace.domain.error_playbook import NextStep, play_for
from agent_workspace.domain.provider import failed_for_good
from agent_workspace.domain.reach import LastOutcome, Reach, reach

MOBILE, LANDLINE, TOLL_FREE = "+14155550111", "+442079460958", "+18003569377"


@pytest.mark.parametrize(
    ("e164", "kind", "last", "expected"),
    [
        # Nothing says otherwise: as stored.
        (MOBILE, "mobile", None, Reach("mobile")),
        (MOBILE, "work", LastOutcome("delivered"), Reach("work")),
        (MOBILE, "sms profile", LastOutcome("received"), Reach("sms profile")),
        # The digits: never a text, whatever it is stored as; "mobile" is not kept.
        (LANDLINE, "mobile", None, Reach("phone", "landline, cannot receive SMS", False)),
        (LANDLINE, "home", None, Reach("home", "landline, cannot receive SMS", False)),
        (TOLL_FREE, "work", None, Reach("work", "toll-free, cannot receive SMS", False)),
        ("+15555555555", "mobile", None, Reach("phone", "not a valid number", False)),
        # The last text failed for good: offered, with the reason.
        (
            MOBILE,
            "mobile",
            LastOutcome("undelivered", 30005),
            Reach("phone", "last text failed: unknown number (30005)"),
        ),
        (
            MOBILE,
            "sms profile",
            LastOutcome("undelivered", 30006),
            Reach("sms profile", "last text failed: landline or unreachable carrier (30006)"),
        ),
        (
            MOBILE,
            "mobile",
            LastOutcome("failed", 21614),
            Reach("phone", "last text failed: not a mobile number (21614)"),
        ),
        # A failure that says nothing about the number (unreachable for now, spam filter).
        (MOBILE, "mobile", LastOutcome("undelivered", 30003), Reach("mobile")),
        (MOBILE, "mobile", LastOutcome("failed", 30007), Reach("mobile")),
        # Since the failure, a text got through or came from the number (callers pass the last).
        (MOBILE, "mobile", LastOutcome("delivered", None), Reach("mobile")),
        (MOBILE, "mobile", LastOutcome("received", None), Reach("mobile")),
    ],
)
def test_a_stored_number_is_called_what_it_is(
    e164: str, kind: str, last: LastOutcome | None, expected: Reach
) -> None:
    assert reach(e164, kind=kind, last=last) == expected


@pytest.mark.parametrize(
    ("found", "label", "option"),
    [
        (Reach("mobile"), "mobile", "+1 415-555-0111"),
        (
            Reach("phone", "landline, cannot receive SMS", False),
            "phone · landline, cannot receive SMS",
            "+1 415-555-0111 · landline, cannot receive SMS",
        ),
    ],
)
def test_the_panel_and_the_to_list_say_the_reason_beside_the_number(
    found: Reach, label: str, option: str
) -> None:
    assert (found.label, found.option("+1 415-555-0111")) == (label, option)


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        ("undelivered", 30005, "unknown number"),
        ("undelivered", 30006, "landline or unreachable carrier"),
        ("failed", 21612, "cannot be reached from our number"),  # the playbook's NOT_TEXTABLE
        ("failed", 21211, "not a valid number"),
        ("failed", 21614, "not a mobile number"),
        ("undelivered", 30003, None),  # switched off: may work tomorrow
        ("failed", 21610, None),  # opted out: the number is fine
        ("delivered", 30005, None),
        ("undelivered", None, None),
    ],
)
def test_which_final_errors_say_the_number_cannot_take_texts(
    status: str, code: int | None, expected: str | None
) -> None:
    assert failed_for_good(status, code) == expected
    assert expected is None or play_for(code).step is NextStep.NOT_TEXTABLE
