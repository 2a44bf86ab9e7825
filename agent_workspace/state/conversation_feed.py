"""The conversation's live feed `ix<id>`: its header, latest messages and opt-outs as every
viewer sees them, the bubbles' fields, and the live tail that keeps a new message a small push.

The live tail: Reflex sends a changed list whole, and the browser keeps an item's identity only
where the same item sits at the same index. A sliding window of the latest messages moves every
item by one on each new message: the push carried all of them and the page re-rendered every
bubble. Here the `base` stays put while messages arrive; they go to `fresh`, which alone is
pushed, and only every FOLD_AT messages is the window moved (the base replaced, `fresh` emptied).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable

import reflex as rx

from agent_workspace.domain.mentions import split_mentions
from agent_workspace.domain.phone import display_phone
from agent_workspace.services.conversation.conversation import ConversationView, LatestMessages
from agent_workspace.services.conversation.messages import TAIL, AttachmentView, MessageView
from agent_workspace.services.files.media_links import media_path
from agent_workspace.services.sla.clocks import SlaPlan
from agent_workspace.state.views import InteractionHeader, header, iso, sla_key

STATUS_LABELS = {
    "queued": "Queued",
    "sending": "Sending",
    "sent": "Sent",
    "delivered": "Delivered",
    "undelivered": "Undelivered",
    "failed": "Failed",
    "unconfirmed": "Not confirmed",
    "canceled": "Canceled",
    "scheduled": "Scheduled",
    "received": "Received",
    "note": "Internal note",
}
VIEW_LINK_TTL = 6 * 3600
FOLD_AT = 20  # fresh messages before the window moves on


@dataclasses.dataclass
class AttachmentItem:
    name: str
    url: str
    is_image: bool
    note: str  # "fetching…" or why it failed


@dataclasses.dataclass
class NotePart:
    text: str
    mention: bool  # an @name (domain/mentions.py), shown bold


@dataclasses.dataclass
class MessageItem:
    id: int
    seq: int
    outbound: bool
    body: str
    status: str
    status_label: str
    problem: str
    meta: str
    attachments: list[AttachmentItem]
    note: bool = False  # an internal note: never sent, shown apart
    who: str = ""  # the agent for outbound and notes, the person's name for inbound
    at: str = ""  # ISO 8601 UTC; the browser shows it in its own time zone
    via: str = ""  # the sending number and its label, for outbound
    link: str = ""  # "Retry of ..." / "Retried as ..." (services/outbox/retry.py)
    retryable: bool = False  # failed or undelivered, and not retried yet: Retry is offered
    scheduled: str = ""  # "Scheduled for 08:00 their time (Tue)" until it goes
    asks_to_stop: bool = False  # reads like a request to stop texting: flagged, one-click opt-out
    opted_out: str = ""  # for such a text, "Opted out by Alice" once its phone opted out
    # A note with @mentions, in pieces (the body whole otherwise): the mentions shown bold.
    parts: list[NotePart] = dataclasses.field(default_factory=list)


class ConversationFeed(rx.SharedState):
    """One interaction's header, latest messages and opt-outs, as every viewer sees them."""

    _ended: bool = False  # its session ended and it was emptied: never pushed to again

    info: InteractionHeader = InteractionHeader()
    # The latest few (pushes stay small however long the talk) as two lists: a new message
    # changes `fresh` alone, so the push carries it and not the messages already shown.
    tail: list[MessageItem] = []
    fresh: list[MessageItem] = []
    total: int = 0
    first_tail_seq: int = 1
    opted_out_from: list[str] = []
    earlier: list[MessageItem] = []  # the closed interaction this one took over from
    routing: str = ""  # what Send's decision depends on here: state, people, opt-outs
    details: str = ""  # what the Details form shows: it re-reads when this changes
    _person: str = ""  # as the last whole view named them, for the messages pushed alone
    _labels: tuple[tuple[str, str], ...] = ()
    _sla: SlaPlan | None = None  # the nearest SLA clock: each tab says it (state/sla.py)

    def _show(self, view: ConversationView) -> None:
        labels = dict(view.labels)
        name = view.interaction.person_name
        self._person, self._labels = name, view.labels
        same = self.info.id == view.interaction.id
        self.info = header(view)
        self._sla = view.interaction.sla
        self._show_messages(_items(view.tail, name, view.labels), view.total, same)
        self.opted_out_from = [
            f"{labels[n]} ({display_phone(n)})" if labels.get(n) else display_phone(n)
            for n in view.opted_out_from
        ]
        self.earlier = _items(view.earlier, view.earlier_person, view.labels)
        info = self.info
        self.routing = "|".join(
            (info.state, info.assigned_to, info.members, *sorted(view.opted_out_from))
        )
        # Opt-outs too: the panel's numbers say them and its consent history lists them.
        self.details = "|".join(
            (
                *(info.state, info.assigned_to, info.person_name, info.short_description),
                *(str(view.case_id or ""), info.account, *sorted(view.opted_out_from)),
            )
        )

    def _show_latest(self, latest: LatestMessages) -> bool:
        """Only the messages changed: the rest stays as the last whole view left it. False
        when this copy holds no whole view of the interaction yet (it needs one)."""
        if self.info.id != latest.interaction_id:
            return False
        self._show_messages(_items(latest.tail, self._person, self._labels), latest.total, True)
        if latest.sla != self._sla:
            self._sla = latest.sla
        key = sla_key(latest.sla)
        if key != self.info.sla_key:  # each tab says the new clock (state/sla.py)
            shown = getattr(self.info, "__wrapped__", self.info)  # not Reflex's proxy
            self.info = dataclasses.replace(shown, sla_key=key)
        return True

    def _show_messages(self, latest: list[MessageItem], total: int, same: bool) -> None:
        """Assigns only the list that changed: an assigned var is pushed whole."""
        shown = LiveTail(_unproxied(self.tail), _unproxied(self.fresh))
        moved = advance(shown, latest, TAIL) if same else LiveTail(latest, [])
        if moved.base is not shown.base:
            self.tail = moved.base
            self.first_tail_seq = moved.base[0].seq if moved.base else total + 1
        if moved.fresh is not shown.fresh:
            self.fresh = moved.fresh
        self.total = total


def message_item(
    m: MessageView, person_name: str = "", labels: dict[str, str] | None = None
) -> MessageItem:
    """A bubble's fields: who, the status in words, the times, the sending number."""
    outbound = m.direction == "outbound"
    note = m.direction == "note"
    sender = person_name or display_phone(m.from_number)
    who = (m.author or "Agent") if outbound or note else sender
    via = _sent_from(m, labels or {})
    return MessageItem(
        id=m.id,
        seq=m.seq,
        outbound=outbound,
        body=m.body,
        status=m.status,
        status_label=STATUS_LABELS.get(m.status, m.status),
        problem=m.problem,
        meta=f"{who} · {m.at.strftime('%Y-%m-%d %H:%M:%S UTC')}"
        + (f" · from {via if m.via_service else display_phone(m.from_number)}" if outbound else ""),
        attachments=[_attachment(a) for a in m.attachments],
        note=note,
        who=who,
        at=iso(m.at),
        via=via if outbound else "",
        link=_retry_link(m),
        retryable=outbound
        and m.status in ("failed", "undelivered")
        and (m.retried_by is None or m.retry_waiting),
        scheduled=m.scheduled,
        asks_to_stop=m.asks_to_stop,
        opted_out=m.opted_out,
        parts=_note_parts(m.body) if note else [],
    )


def _note_parts(body: str) -> list[NotePart]:
    parts = [NotePart(text, mention) for text, mention in split_mentions(body)]
    return parts if any(part.mention for part in parts) else []


def _sent_from(m: MessageView, labels: dict[str, str]) -> str:
    """The number an outbound text goes from, with its label; through a Messaging Service, the
    sender Twilio reported ("+1 415-555-0100 via Messaging Service"), or that it has not yet."""
    if m.via_service and not m.provider_from:
        return "Messaging Service (Twilio has not said which number yet)"
    number = m.provider_from if m.via_service else m.from_number
    label = labels.get(number, "")
    shown = f"{label} ({display_phone(number)})" if label else display_phone(number)
    return f"{shown} via Messaging Service" if m.via_service else shown


def _retry_link(m: MessageView) -> str:
    if m.retry_waiting:
        return "It is sent again by itself later; Retry sends it now."
    if m.retried_by is not None:
        return "Retried: sent again as a new message below."
    return "Retry of a message that failed above." if m.retry_of is not None else ""


def _attachment(a: AttachmentView) -> AttachmentItem:
    if not a.ready:
        return AttachmentItem(a.filename, "", False, a.error or "Fetching from the provider…")
    return AttachmentItem(
        a.filename,
        media_path(a.id, a.filename, ttl=VIEW_LINK_TTL),
        a.content_type.startswith("image/"),
        "",
    )


def _items(
    messages: Iterable[MessageView], person: str, labels: tuple[tuple[str, str], ...]
) -> list[MessageItem]:
    """Built once per message version, not once per viewer: every session's copy of a feed
    gets the same push, and fifty copies had built the same twenty items fifty times."""
    return [_item(m, person, labels) for m in messages]


@functools.lru_cache(maxsize=1024)
def _item(m: MessageView, person: str, labels: tuple[tuple[str, str], ...]) -> MessageItem:
    return message_item(m, person, dict(labels))


def _unproxied(value: list[MessageItem]) -> list[MessageItem]:
    """The list itself: Reflex hands out a state's lists wrapped in a change-tracking proxy."""
    return getattr(value, "__wrapped__", value)


@dataclasses.dataclass(frozen=True)
class LiveTail:
    base: list[MessageItem]
    fresh: list[MessageItem]


def advance(current: LiveTail, latest: list[MessageItem], keep: int) -> LiveTail:
    """The tail after the latest `keep` messages were read again (oldest first).

    Unchanged lists come back as the same objects, so the caller assigns (and pushes) only
    the list that changed. Messages already shown take their new state (a delivery status);
    newer ones join `fresh`. When the latest no longer meet what is shown (more arrived than
    were read), or `fresh` would pass FOLD_AT, the window moves: the latest become the base.
    """
    by_id = {m.id: m for m in latest}
    base = _refreshed(current.base, by_id)
    fresh = _refreshed(current.fresh, by_id)
    shown = base + fresh
    last_seq = shown[-1].seq if shown else 0
    newer = [m for m in latest if m.seq > last_seq]
    if not shown or (newer and newer[0].seq > last_seq + 1):
        return LiveTail(latest[-keep:], []) if latest else current
    if len(fresh) + len(newer) > FOLD_AT:
        return LiveTail((shown + newer)[-keep:], [])
    if newer:
        fresh = [*fresh, *newer]
    return LiveTail(base, fresh)


def _refreshed(items: list[MessageItem], by_id: dict[int, MessageItem]) -> list[MessageItem]:
    """`items` itself when none of them changed, else a copy with the new versions."""
    changed = [by_id.get(m.id, m) for m in items]
    return items if changed == items else changed
