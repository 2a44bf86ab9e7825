"""Transfer: an agent hands a conversation to a colleague, or back to the queue (the virtual
agent), with a note that says why. The rules over plain facts; services/interactions/transfer.py
gathers them and applies the result in one transaction.

- Who may transfer is the access rule's WORK (domain/access.py); who may receive it is any
  active account with the agent role (services/interactions/lifecycle.py `assignable`).
- Nobody transfers to themselves, to the agent who has it already, or to the queue what waits
  there already.
- The note is required: it is what the next agent reads first.
- Transferring someone else's work (a live-group member or a supervisor moving the assignee's
  conversation) asks first, as Send does before it closes another agent's conversation.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_REASON = 2000  # characters of the why; the internal note says who, to whom, and this
NOTICE_REASON = 160  # characters of the why quoted in the receiver's notice
QUEUE_NAME = "the queue"


@dataclass(frozen=True)
class TransferFacts:
    """One transfer as the service found it.

    Attributes:
        number: The interaction's number (IMS0001001), for the words.
        actor_id: Who transfers.
        holder_id: The agent it is assigned to now; None when nobody (the queue).
        in_queue: The virtual agent has it (waiting to be picked up).
        to_id: The agent it goes to; None: back to the queue.
        to_name: That agent's name (or the queue's).
    """

    number: str
    actor_id: int
    holder_id: int | None
    in_queue: bool
    to_id: int | None
    to_name: str = QUEUE_NAME


def transfer_refusal(facts: TransferFacts) -> str:
    """Why this transfer changes nothing or makes no sense, or ""."""
    if facts.to_id is not None and facts.to_id == facts.actor_id:
        return (
            f"You cannot transfer {facts.number} to yourself: choose another agent, or the queue."
        )
    if facts.to_id is not None and facts.to_id == facts.holder_id:
        return f"{facts.number} is already with {facts.to_name}: choose another agent."
    if facts.to_id is None and facts.in_queue:
        return f"{facts.number} is already waiting in the queue."
    return ""


def reason_problem(reason: str) -> str:
    """Why the note cannot go with the transfer, or ""."""
    text = reason.strip()
    if not text:
        return "Write a note for whoever takes it next: why you transfer it, what is left to do."
    if len(text) > MAX_REASON:
        return f"The note holds at most {MAX_REASON:,} characters ({len(text):,} given)."
    return ""


def asks_first(facts: TransferFacts) -> bool:
    """Whether the transfer takes the conversation from another agent (ask before)."""
    return facts.holder_id is not None and facts.holder_id != facts.actor_id


def note_text(*, by: str, holder: str | None, to: str, reason: str) -> str:
    """The internal note: who transferred, from whom (`holder`, when it was another agent's),
    to whom, and why.

    E.g. "Alice Agent transferred this to Bob Agent: Wants a refund; Bob handles refunds."
    """
    source = f" from {holder}" if holder else ""
    return f"{by} transferred this{source} to {to}: {reason.strip()}"


def receiver_notice(*, by: str, number: str, reason: str) -> str:
    """What the receiving agent's notice says, with the start of the note."""
    why = " ".join(reason.split())
    if len(why) > NOTICE_REASON:
        why = why[: NOTICE_REASON - 1].rstrip() + "…"
    return f"{by} transferred {number} to you: {why}"


def holder_notice(*, by: str, number: str, to: str) -> str:
    """What the agent it was taken from reads (someone else transferred their work)."""
    return f"{by} transferred your {number} to {to}."
