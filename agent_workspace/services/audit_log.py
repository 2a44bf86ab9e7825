"""The audit log as administrators read it: every audited change, newest first, filtered by
user, interaction and date, paged by keyset (a page costs the same however deep it is, and
rows written meanwhile never shift a page)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import ColumnElement
from sqlalchemy.engine import Engine
from sqlmodel import Session, and_, col, or_, select

from agent_workspace.db.engine import reading
from agent_workspace.domain.credentials import normalise_username
from agent_workspace.domain.times import day_end, day_start
from agent_workspace.models import AuditEvent, Interaction, Role, User
from agent_workspace.services.access import Actor, require_role
from agent_workspace.services.errors import FieldProblems

PAGE = 50
DETAIL_CHARS = 300


@dataclass(frozen=True)
class AuditFilter:
    username: str = ""
    interaction_number: str = ""
    date_from: date | None = None
    date_to: date | None = None  # inclusive
    time_zone: str = "UTC"  # the zone the days are the reader's days in


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    who: str  # the user's name, "provider" or "system"
    action: str
    entity: str  # e.g. "message #12"
    interaction: str  # its number, or ""
    detail: str  # the recorded details, as short JSON


@dataclass(frozen=True)
class AuditPage:
    rows: tuple[AuditRow, ...]
    next_cursor: str  # "" on the last page


def audit_log(
    *,
    actor: Actor | None,
    filters: AuditFilter = AuditFilter(),
    cursor: str = "",
    page_size: int = PAGE,
    engine: Engine | None = None,
) -> AuditPage:
    """One page of the log after `cursor` (from the previous page), newest first."""
    require_role(actor, Role.ADMIN)
    with reading(engine) as session:
        query = select(AuditEvent).where(*_conditions(session, filters))
        if cursor:
            at, last_id = _parse_cursor(cursor)
            query = query.where(
                or_(
                    col(AuditEvent.at) < at,
                    and_(col(AuditEvent.at) == at, col(AuditEvent.id) < last_id),
                )
            )
        found = list(
            session.exec(
                query.order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc()).limit(
                    page_size + 1
                )
            ).all()
        )
        more, found = len(found) > page_size, found[:page_size]
        rows = _rows(session, found)
    next_cursor = f"{rows[-1].at.isoformat()}|{rows[-1].id}" if more and rows else ""
    return AuditPage(tuple(rows), next_cursor)


def _conditions(session: Session, filters: AuditFilter) -> list[ColumnElement[bool]]:
    """The filters as SQL; names that match nothing are refused next to their field."""
    problems: dict[str, str] = {}
    conditions: list[ColumnElement[bool]] = []
    if filters.username.strip():
        name = normalise_username(filters.username)
        user_id = session.exec(select(User.id).where(User.username == name)).first()
        if user_id is None:
            problems["username"] = f"No user named {name!r}."
        conditions.append(col(AuditEvent.actor_user_id) == user_id)
    if filters.interaction_number.strip():
        number = filters.interaction_number.strip().upper()
        found = session.exec(select(Interaction.id).where(Interaction.number == number)).first()
        if found is None:
            problems["interaction"] = f"No interaction numbered {number}."
        conditions.append(col(AuditEvent.interaction_id) == found)
    start, end = filters.date_from, filters.date_to
    if start and end and end < start:
        problems["date_to"] = "The end date is before the start date."
    if start:
        conditions.append(col(AuditEvent.at) >= day_start(start, filters.time_zone))
    if end:
        conditions.append(col(AuditEvent.at) < day_end(end, filters.time_zone))
    if problems:
        raise FieldProblems(problems)
    return conditions


def _parse_cursor(cursor: str) -> tuple[datetime, int]:
    at, _, last = cursor.partition("|")
    try:
        parsed = datetime.fromisoformat(at)
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)), int(last)
    except ValueError:
        raise FieldProblems({"cursor": "That page no longer exists; start again."}) from None


def _rows(session: Session, events: list[AuditEvent]) -> list[AuditRow]:
    user_ids = {e.actor_user_id for e in events if e.actor_user_id}
    names = (
        {u.id: u.display_name for u in session.exec(select(User).where(col(User.id).in_(user_ids)))}
        if user_ids
        else {}
    )
    interaction_ids = {e.interaction_id for e in events if e.interaction_id}
    numbers = (
        {
            i.id: i.number
            for i in session.exec(
                select(Interaction).where(col(Interaction.id).in_(interaction_ids))
            )
        }
        if interaction_ids
        else {}
    )
    rows = []
    for e in events:
        assert e.id is not None
        who = names.get(e.actor_user_id, "?") if e.actor_user_id else e.actor
        detail = json.dumps(e.detail, ensure_ascii=False, sort_keys=True, default=str)
        if len(detail) > DETAIL_CHARS:
            detail = detail[: DETAIL_CHARS - 1] + "…"
        rows.append(
            AuditRow(
                id=e.id,
                at=e.at,
                who=who,
                action=str(e.action),
                entity=f"{e.entity_type} #{e.entity_id}" if e.entity_id else e.entity_type,
                interaction=numbers.get(e.interaction_id, "") if e.interaction_id else "",
                detail=detail,
            )
        )
    return rows
