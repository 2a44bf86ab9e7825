"""Transcript export: an interaction's whole conversation as text or JSON, for whoever may open
it (with times, authors, delivery statuses, attachment names, and internal notes marked)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy.engine import Engine

from agent_workspace.db.engine import reading
from agent_workspace.domain.names import one_line
from agent_workspace.domain.phone import display_phone
from agent_workspace.domain.times import FALLBACK, iso_local, known_zone, zone_label
from agent_workspace.services.access import Actor, access_interaction
from agent_workspace.services.conversation.messages import MessageView, all_messages
from agent_workspace.services.errors import InvalidInput
from agent_workspace.services.interactions.lists import row_view

Format = Literal["text", "json"]


@dataclass(frozen=True)
class Transcript:
    filename: str
    mime_type: str
    content: str


def export_transcript(
    *,
    actor: Actor | None,
    interaction_id: int,
    format: str,
    zone: str = FALLBACK,
    engine: Engine | None = None,
) -> Transcript:
    """Times in the agent's `zone` (UTC if unknown), ISO 8601 with the offset, and the zone
    named at the top: whoever reads the file later knows which clock it was."""
    zone = known_zone(zone)
    if format not in ("text", "json"):
        raise InvalidInput("A transcript is exported as text or JSON.")
    with reading(engine) as session:
        _, interaction = access_interaction(session, actor, interaction_id)
        row = row_view(session, interaction)
        messages = all_messages(session, interaction_id)
        opened, closed = interaction.opened_at, interaction.closed_at
    header: dict[str, Any] = {
        "interaction": row.number,
        "type": row.type,
        "state": row.state,
        "person": row.person_name,
        "phone": row.phone,
        "assigned_to": row.assigned_to,
        "time_zone": zone,
        "opened_at": iso_local(opened, zone),
        "closed_at": iso_local(closed, zone) if closed else None,
    }
    if format == "json":
        body = {**header, "messages": [_as_json(m, zone) for m in messages]}
        return Transcript(
            f"{row.number}.json",
            "application/json",
            json.dumps(body, ensure_ascii=False, indent=2),
        )
    return Transcript(f"{row.number}.txt", "text/plain", _as_text(header, messages, zone))


def _author(m: MessageView) -> str:
    if m.direction == "note":
        return f"Internal note by {one_line(m.author or 'an agent')}"
    if m.direction == "outbound":
        return f"{one_line(m.author or 'Agent')} (from {display_phone(m.from_number)})"
    return display_phone(m.from_number)


def _as_json(m: MessageView, zone: str) -> dict[str, Any]:
    return {
        "at": iso_local(m.at, zone),
        "direction": m.direction,
        "author": m.author or None,
        "from": m.from_number or None,
        "to": m.to_number or None,
        "status": m.status,
        "problem": m.problem or None,
        "body": m.body,
        "attachments": [a.filename for a in m.attachments],
    }


def _as_text(header: dict[str, Any], messages: tuple[MessageView, ...], zone: str) -> str:
    """One line per field: names and other one-line values are printed with their hidden
    characters escaped (a stored line break would forge a line); bodies keep their own lines,
    each indented under the message."""
    header = {k: one_line(v) if isinstance(v, str) else v for k, v in header.items()}
    lines = [
        f"Transcript of {header['interaction']} ({header['type']}, {header['state']})",
        f"Person: {header['person'] or '-'}  Phone: {header['phone'] or '-'}",
        f"Assigned to: {header['assigned_to'] or '-'}",
        f"Opened: {header['opened_at']}  Closed: {header['closed_at'] or '-'}",
        f"Times: ISO 8601 in {zone_label(zone)}",
        "",
    ]
    for m in messages:
        problem = f": {one_line(m.problem)}" if m.problem else ""
        status = "" if m.direction == "note" else f" [{m.status}{problem}]"
        lines.append(f"{iso_local(m.at, zone)}  {_author(m)}{status}")
        lines.extend(f"    {line}" for line in (m.body.splitlines() or [""]))
        if m.attachments:
            names = ", ".join(one_line(a.filename) for a in m.attachments)
            lines.append(f"    Attachments: {names}")
        lines.append("")
    return "\n".join(lines)
