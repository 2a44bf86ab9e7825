"""What the pages show: plain records built from service views (never ORM rows)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from agent_workspace.domain.people import person_value
from agent_workspace.domain.phone import display_phone
from agent_workspace.domain.sla_text import breaching_text
from agent_workspace.models import utcnow
from agent_workspace.services.conversation.conversation import ConversationView
from agent_workspace.services.interactions.lists import InteractionRow
from agent_workspace.services.interactions.notices import NoticeView
from agent_workspace.services.interactions.overview import Overview, TeamMember
from agent_workspace.services.interactions.supervision import BoardRow
from agent_workspace.services.people.directory import PersonView
from agent_workspace.services.sla.clocks import SlaPlan

# What each interaction type is called on screen: "SMS", not "messaging", beside the person's
# name, so a phone call and the SMS conversation Send opened from it are told apart at a glance.
TYPE_LABELS = {"messaging": "SMS", "phone": "Phone", "chat": "Chat", "email": "Email"}
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


def person_choice(view: PersonView) -> Choice:
    """How a list of people names one: "Ana Souza · Initech" or "Dana Lee · consumer"."""
    return Choice(person_value(view.ref), f"{view.name} · {view.account or view.ref.kind.value}")


def notice_item(notice: NoticeView) -> NoticeItem:
    return NoticeItem(notice.id, notice.text, notice.interaction_id or 0, iso(notice.created_at))


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
    snoozed: bool = False
    snoozed_until: str = ""  # ISO (the tab shows it in its zone); "" while snoozed: until reply
    sla_key: str = ""  # which SLA clock runs nearest ("" none): each tab reads it on its timer


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
        snoozed=row.snoozed,
        snoozed_until=iso(row.snoozed_until),
        sla_key=sla_key(row.sla),
    )


def sla_key(plan: SlaPlan | None, now: datetime | None = None) -> str:
    """Which clock runs nearest and how it reads now ("" none): the header remounts and says it
    again when either changes, so the alarm's push at an amber or red turn shows at once."""
    if plan is None:
        return ""
    return f"{plan.clock.breach_key}/{plan.reading(now or utcnow()).status.value}"


def type_label(interaction_type: str) -> str:
    return TYPE_LABELS.get(interaction_type, interaction_type.capitalize())


def iso(at: datetime | None) -> str:
    return at.astimezone(UTC).isoformat() if at else ""


@dataclasses.dataclass
class BoardItem:
    """A row of the supervisor's board (one page of it, filtered by the server)."""

    row: InteractionItem
    live_group: str
    last_message: str
    agent_id: int  # 0: nobody (the virtual agent, or unassigned)
    virtual_agent: bool
    state_value: str  # e.g. "work_in_progress"
    waiting_since: str  # ISO time of the consumer's first unanswered text, or ""
    scheduled: bool = False  # a message waits to go later
    sla_text: str = ""  # its nearest SLA clock, as the list says it ("" when none runs)
    sla_status: str = ""  # "ok", "amber" or "red"


def board_item(row: BoardRow, now: datetime | None = None) -> BoardItem:
    plan = row.interaction.sla
    sla_text, sla_status = plan.shown(now or utcnow()) if plan else ("", "")
    return BoardItem(
        interaction_item(row.interaction),
        ", ".join(row.live_group) or EMPTY,
        row.last_message,
        row.assigned_agent_id or 0,
        row.virtual_agent,
        row.interaction.state,
        row.waiting_since.isoformat() if row.waiting_since else "",
        row.interaction.scheduled,
        sla_text,
        sla_status,
    )


@dataclasses.dataclass
class TeamMemberItem:
    """An agent on the board's overview: their availability in words and their load."""

    agent_id: int
    name: str
    status: str
    load: str  # "3 / 5", or "3" when no channel assigns automatically
    full: bool


@dataclasses.dataclass
class OverviewItem:
    """The figures at the top of the supervisor board."""

    open: int = 0
    unassigned: int = 0
    queued: int = 0  # of the unassigned, with the virtual agent
    waiting_id: int = 0  # 0: nobody waits for an answer
    waiting_number: str = ""
    waiting_phone: str = ""
    waiting_since: str = ""  # ISO 8601 UTC of their first unanswered text
    sla: bool = False  # an SLA policy measures the floor: `breaching_soon` means something
    breaching_soon: int = 0  # due soon and overdue together
    breaching_text: str = ""  # "3 due soon · 1 overdue"
    available: list[TeamMemberItem] = dataclasses.field(default_factory=list)
    away: list[TeamMemberItem] = dataclasses.field(default_factory=list)
    offline: list[TeamMemberItem] = dataclasses.field(default_factory=list)


def _member(m: TeamMember) -> TeamMemberItem:
    return TeamMemberItem(m.agent_id, m.name, m.status, m.load, m.full)


def overview_item(overview: Overview) -> OverviewItem:
    team = {presence.value: [_member(m) for m in members] for presence, members in overview.team}
    waiting, breaching = overview.waiting, overview.breaching_soon
    return OverviewItem(
        open=overview.open,
        unassigned=overview.unassigned,
        queued=overview.queued,
        waiting_id=waiting.interaction_id if waiting else 0,
        waiting_number=waiting.number if waiting else "",
        waiting_phone=display_phone(waiting.phone) if waiting and waiting.phone else "",
        waiting_since=iso(waiting.since) if waiting else "",
        sla=breaching is not None,
        breaching_soon=breaching.total if breaching else 0,
        breaching_text=breaching_text(breaching) if breaching else "",
        available=team.get("available", []),
        away=team.get("away", []),
        offline=team.get("offline", []),
    )
