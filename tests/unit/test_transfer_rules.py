"""The transfer rules over plain facts (domain/transfer.py), row by row."""

from __future__ import annotations

import pytest

from agent_workspace.domain.transfer import (
    MAX_REASON,
    TransferFacts,
    asks_first,
    holder_notice,
    note_text,
    reason_problem,
    receiver_notice,
    transfer_refusal,
)

ALICE, BOB, CARL = 1, 2, 3


def _facts(*, actor: int = ALICE, holder: int | None = ALICE, in_queue: bool = False,
           to: int | None = BOB, name: str = "Bob") -> TransferFacts:  # fmt: skip
    return TransferFacts("IMS0001001", actor, holder, in_queue, to, name if to else "the queue")


@pytest.mark.parametrize(
    ("facts", "refused", "asks"),
    [
        pytest.param(_facts(), "", False, id="the-assignee-to-a-colleague"),
        pytest.param(_facts(to=None), "", False, id="the-assignee-to-the-queue"),
        pytest.param(
            _facts(to=ALICE, name="Alice"), "cannot transfer IMS0001001 to yourself", False,
            id="to-oneself",
        ),
        pytest.param(
            _facts(actor=CARL, to=CARL, name="Carl"), "to yourself", True, id="a-member-to-self"
        ),
        pytest.param(
            _facts(actor=CARL), "", True, id="a-member-or-supervisor-takes-it-from-the-assignee"
        ),
        pytest.param(
            _facts(actor=CARL, holder=BOB), "IMS0001001 is already with Bob", True,
            id="to-whoever-has-it",
        ),
        pytest.param(
            _facts(actor=CARL, holder=None, in_queue=True), "", False, id="from-the-queue"
        ),
        pytest.param(
            _facts(actor=CARL, holder=None, in_queue=True, to=None),
            "already waiting in the queue", False, id="queue-to-queue",
        ),
        pytest.param(
            _facts(actor=CARL, holder=None, in_queue=False, to=None), "", False,
            id="unassigned-to-the-queue",
        ),
    ],
)  # fmt: skip
def test_who_may_transfer_to_whom_and_when_it_asks_first(
    facts: TransferFacts, refused: str, asks: bool
) -> None:
    problem = transfer_refusal(facts)
    assert (refused in problem) if refused else problem == ""
    assert asks_first(facts) is asks


@pytest.mark.parametrize(
    ("reason", "problem"),
    [
        ("Wants a refund", ""),
        ("", "Write a note"),
        (" \n\t ", "Write a note"),
        ("x" * MAX_REASON, ""),
        ("x" * (MAX_REASON + 1), "at most 2,000 characters (2,001 given)"),
    ],
)
def test_the_note_is_required_and_bounded(reason: str, problem: str) -> None:
    found = reason_problem(reason)
    assert (problem in found) if problem else found == ""


def test_the_words_say_who_from_whom_to_whom_and_why() -> None:
    assert note_text(by="Alice", holder=None, to="Bob", reason=" Refund \n") == (
        "Alice transferred this to Bob: Refund"
    )
    assert note_text(by="Sam", holder="Alice", to="the queue", reason="Off sick") == (
        "Sam transferred this from Alice to the queue: Off sick"
    )
    assert receiver_notice(by="Alice", number="IMS0001001", reason="Refund,\n  please") == (
        "Alice transferred IMS0001001 to you: Refund, please"
    )
    long = receiver_notice(by="Alice", number="IMS0001001", reason="word " * 100)
    assert long.endswith("…") and len(long) < 220
    assert holder_notice(by="Sam", number="IMS0001001", to="Bob") == (
        "Sam transferred your IMS0001001 to Bob."
    )
