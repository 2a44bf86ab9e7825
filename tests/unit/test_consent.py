"""A consent change in words, from the audit row each opt-out change writes."""

from __future__ import annotations

from typing import Any

import pytest

from agent_workspace.domain.consent import ConsentChange, consent_change

PHONE, SENDER = "+14155550123", "+14155550100"


def _detail(**extra: Any) -> dict[str, Any]:
    return {"phone": PHONE, "sender": SENDER, **extra}


@pytest.mark.parametrize(
    ("detail", "actor", "said"),
    [
        (_detail(opted_out=True, keyword="STOP", why="inbound keyword"), "", 'Texted "STOP"'),
        (_detail(opted_out=False, keyword="START", why="inbound keyword"), "", 'Texted "START"'),
        (
            _detail(opted_out=True, keyword="STOP", why="provider error 21610"),
            "",
            "Twilio refused a text: the phone had opted out (21610)",
        ),
        (
            _detail(opted_out=True, keyword="", why="asked by phone"),
            "Alice Agent",
            "Alice Agent: asked by phone",
        ),
        (_detail(opted_out=False), "Ada Admin", "Ada Admin: opted in"),
        (
            _detail(opted_out=True, keyword="", why="agent, at their request"),
            "Bob Agent",
            "Bob Agent opted them out at their request",
        ),
        (_detail(opted_out=True, why="import"), "Ada Admin", "Imported as opted out by Ada Admin"),
        (_detail(opted_out=False, why="import"), "", "Imported as opted in by an administrator"),
    ],
)
def test_each_source_is_said_in_words(detail: dict[str, Any], actor: str, said: str) -> None:
    change = consent_change(detail, actor)
    assert change == ConsentChange(detail["opted_out"], PHONE, SENDER, said)


@pytest.mark.parametrize(
    "detail",
    [{}, {"phone": PHONE, "sender": SENDER}, _detail(opted_out="yes"), {"opted_out": True}],
)
def test_a_row_that_is_no_opt_out_change_is_no_history(detail: dict[str, Any]) -> None:
    assert consent_change(detail, "") is None
