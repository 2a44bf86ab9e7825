"""What the pages show: plain records built from service views (never ORM rows)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime

from agent_workspace.domain.phone import display_phone
from agent_workspace.services.conversation.conversation import ConversationView
from agent_workspace.services.conversation.messages import AttachmentView, MessageView
from agent_workspace.services.files.media_links import media_path
from agent_workspace.services.interactions.lists import InteractionRow
from agent_workspace.services.interactions.notices import NoticeView
from agent_workspace.services.interactions.supervision import AgentLoad, BoardRow

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
# What each interaction type is called on screen: "SMS", not "messaging", beside the person's
# name, so a phone call and the SMS conversation Send opened from it are told apart at a glance.
TYPE_LABELS = {"messaging": "SMS", "phone": "Phone", "chat": "Chat", "email": "Email"}
VIEW_LINK_TTL = 6 * 3600
EMPTY = "—"  # shown for a detail that has no value


@dataclasses.dataclass
class Choice:
    """An option of a select: the value sent back, and what the agent reads."""

    value: str
    label: str
    disabled: bool = False  # shown, not choosable (e.g. a landline under To)


@dataclasses.dataclass
class InteractionItem:
    id: int
    number: str
    type: str
    state: str
    person_name: str
    phone: str
    assigned_to: str
    updated: str


@dataclasses.dataclass
class NoticeItem:
    id: int
    text: str
    interaction_id: int  # 0 when it concerns none
    at: str  # ISO 8601 in UTC; the page shows it in the agent's zone


def notice_item(notice: NoticeView) -> NoticeItem:
    return NoticeItem(notice.id, notice.text, notice.interaction_id or 0, _iso(notice.created_at))


@dataclasses.dataclass
class AttachmentItem:
    name: str
    url: str
    is_image: bool
    note: str  # "fetching…" or why it failed


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
    scheduled: str = ""  # "Scheduled for 08:00 their time (Tue)" until it goes


@dataclasses.dataclass
class StagedItem:
    """A file attached in the composer, shown before sending."""

    id: int
    name: str
    size: int
    size_label: str
    url: str
    is_image: bool


@dataclasses.dataclass
class ReplyItem:
    """A canned reply the composer offers."""

    id: int
    title: str
    preview: str
    owner: str  # "Shared" or "Mine"


@dataclasses.dataclass
class RowItem:
    """A row of the interaction list."""

    id: int
    number: str
    type: str
    state: str
    person_name: str
    phone: str
    assigned_to: str
    preview: str
    last_at: str  # ISO 8601 UTC of the last message ("" if none)
    awaiting: bool  # the consumer wrote last and waits for an answer
    unread: int
    virtual_agent: bool
    active: bool
    updated: str = ""  # ISO 8601 UTC of updated_at: the "Latest activity" sort key
    kind: str = ""  # the type in words (TYPE_LABELS)
    about: str = ""  # the short description, shown while there is no message
    scheduled: bool = False  # a message waits to go later


@dataclasses.dataclass
class InteractionHeader:
    id: int = 0
    number: str = ""
    type: str = ""
    state: str = ""
    active: bool = False
    person_name: str = ""
    account: str = ""
    phone: str = ""
    assigned_to: str = ""
    short_description: str = ""
    members: str = ""
    messaging: bool = False
    virtual_agent: bool = False
    earlier_id: int = 0
    earlier_number: str = ""


def interaction_item(row: InteractionRow) -> InteractionItem:
    return InteractionItem(
        id=row.id,
        number=row.number,
        type=row.type,
        state=row.state.replace("_", " "),
        person_name=row.person_name,
        phone=display_phone(row.phone) if row.phone else "",
        assigned_to=row.assigned_to,
        updated=row.updated_at.strftime("%Y-%m-%d %H:%M UTC"),
    )


def header(view: ConversationView) -> InteractionHeader:
    row = view.interaction
    return InteractionHeader(
        id=row.id,
        number=row.number,
        type=type_label(row.type),
        state=row.state.replace("_", " "),
        active=row.is_active,
        person_name=row.person_name or "No person yet",
        account=view.account or EMPTY,
        phone=display_phone(row.phone) if row.phone else EMPTY,
        assigned_to=row.assigned_to or "Unassigned",
        short_description=view.short_description or EMPTY,
        members=", ".join(view.members) or EMPTY,
        messaging=row.type == "messaging",
        virtual_agent=row.virtual_agent,
        earlier_id=view.earlier_id,
        earlier_number=view.earlier_number,
    )


def row_item(row: InteractionRow) -> RowItem:
    return RowItem(
        id=row.id,
        number=row.number,
        type=row.type,
        state=row.state.replace("_", " "),
        person_name=row.person_name or display_phone(row.phone) or "Unknown",
        phone=display_phone(row.phone) if row.phone else "",
        assigned_to=row.assigned_to,
        preview=row.preview,
        last_at=_iso(row.last_message_at or row.updated_at),
        awaiting=row.is_active and row.awaiting_reply_since is not None,
        unread=row.unread,
        virtual_agent=row.virtual_agent,
        active=row.is_active,
        updated=_iso(row.updated_at),
        kind=type_label(row.type),
        about=row.short_description,
        scheduled=row.scheduled,
    )


def type_label(interaction_type: str) -> str:
    return TYPE_LABELS.get(interaction_type, interaction_type.capitalize())


def patch_rows(
    rows: list[RowItem],
    changed: list[RowItem],
    gone: frozenset[int],
    *,
    belongs: Callable[[RowItem], bool],
    has_more: bool,
) -> list[RowItem]:
    """A list sorted by latest activity after some rows changed: a changed row that still
    belongs takes its place by (updated, id), newest first, unless it falls past the last row
    shown while more pages exist (it is on a later page); the others leave."""
    leaving = gone | {r.id for r in changed}
    kept = [r for r in rows if r.id not in leaving]
    last = (rows[-1].updated, rows[-1].id) if rows else None
    for row in changed:
        key = (row.updated, row.id)
        if not belongs(row) or (has_more and last is not None and key < last):
            continue
        at = next((i for i, r in enumerate(kept) if (r.updated, r.id) < key), len(kept))
        kept.insert(at, row)
    return kept


def _iso(at: datetime | None) -> str:
    return at.astimezone(UTC).isoformat() if at else ""


def _attachment(a: AttachmentView) -> AttachmentItem:
    if not a.ready:
        return AttachmentItem(a.filename, "", False, a.error or "Fetching from the provider…")
    return AttachmentItem(
        a.filename,
        media_path(a.id, a.filename, ttl=VIEW_LINK_TTL),
        a.content_type.startswith("image/"),
        "",
    )


def message_item(
    m: MessageView, person_name: str = "", labels: dict[str, str] | None = None
) -> MessageItem:
    outbound = m.direction == "outbound"
    note = m.direction == "note"
    sender = person_name or display_phone(m.from_number)
    who = (m.author or "Agent") if outbound or note else sender
    label = (labels or {}).get(m.from_number, "")
    via = f"{label} ({display_phone(m.from_number)})" if label else display_phone(m.from_number)
    return MessageItem(
        id=m.id,
        seq=m.seq,
        outbound=outbound,
        body=m.body,
        status=m.status,
        status_label=STATUS_LABELS.get(m.status, m.status),
        problem=m.problem,
        meta=f"{who} · {m.at.strftime('%Y-%m-%d %H:%M:%S UTC')}"
        + (f" · from {display_phone(m.from_number)}" if outbound else ""),
        attachments=[_attachment(a) for a in m.attachments],
        note=note,
        who=who,
        at=_iso(m.at),
        via=via if outbound else "",
        scheduled=m.scheduled,
    )


@dataclasses.dataclass
class BoardItem:
    """A row of the supervisor's board; the filter fields let each tab filter the shared feed."""

    row: InteractionItem
    live_group: str
    last_message: str
    agent_id: int  # 0: nobody (the virtual agent, or unassigned)
    virtual_agent: bool
    state_value: str  # e.g. "work_in_progress"
    waiting_since: str  # ISO time of the consumer's first unanswered text, or ""
    scheduled: bool = False  # a message waits to go later


@dataclasses.dataclass
class AgentLoadItem:
    agent_id: int
    name: str
    active: int


def board_item(row: BoardRow) -> BoardItem:
    return BoardItem(
        interaction_item(row.interaction),
        ", ".join(row.live_group) or EMPTY,
        row.last_message,
        row.assigned_agent_id or 0,
        row.virtual_agent,
        row.interaction.state,
        row.waiting_since.isoformat() if row.waiting_since else "",
        row.interaction.scheduled,
    )


def patch_board(
    items: list[BoardItem], fresh: list[BoardItem], gone: frozenset[int], limit: int
) -> list[BoardItem]:
    """The board after a few rows changed: those go on top (they were just updated, and the
    board is newest first), closed ones leave, the rest keep their order."""
    changed = {item.row.id for item in fresh} | gone
    kept = [item for item in items if item.row.id not in changed]
    return (fresh + kept)[:limit]


def agent_load_item(load: AgentLoad) -> AgentLoadItem:
    return AgentLoadItem(load.agent_id, load.name, load.active)
