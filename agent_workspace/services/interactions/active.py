"""The phone's active messaging interactions with their live groups: the facts both routing
decisions (domain/routing.py, a Send's and an inbound text's) read."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from agent_workspace.domain.routing import ActiveInteraction
from agent_workspace.models import ACTIVE_STATES, Interaction, InteractionType, LiveGroupMember

_I: sa.Table = Interaction.__table__  # type: ignore[attr-defined]
_G: sa.Table = LiveGroupMember.__table__  # type: ignore[attr-defined]
# Built once, plain rows, one statement with the live groups: every inbound text runs it.
_ACTIVE = (
    sa.select(
        _I.c.id,
        _I.c.number,
        _I.c.profile_id,
        _I.c.virtual_agent,
        _I.c.assigned_agent_id,
        _I.c.opened_at,
        _G.c.agent_id,
    )
    .select_from(_I.outerjoin(_G, sa.and_(_G.c.interaction_id == _I.c.id, _G.c.left_at.is_(None))))
    .where(
        _I.c.channel_id == sa.bindparam("channel_id"),
        _I.c.phone == sa.bindparam("phone"),
        _I.c.type == InteractionType.MESSAGING,
        _I.c.state.in_(sorted(ACTIVE_STATES)),
    )
    .order_by(_I.c.id)
)


def active_views(session: Session, channel_id: int, phone: str) -> tuple[ActiveInteraction, ...]:
    """The phone's active messaging interactions as the pure routing decisions take them."""
    rows = session.execute(_ACTIVE, {"channel_id": channel_id, "phone": phone}).all()
    heads: dict[int, sa.Row[Any]] = {}  # a row per member: the first one of each interaction
    groups: dict[int, set[int]] = {}
    for row in rows:
        heads.setdefault(row.id, row)
        members = groups.setdefault(row.id, set())
        if row.agent_id is not None:
            members.add(row.agent_id)
    return tuple(as_active(row, frozenset(groups[row.id])) for row in heads.values())


def as_active(interaction: Any, live_group: frozenset[int]) -> ActiveInteraction:
    """The plain-value view the pure decisions take, of a row or an Interaction object."""
    return ActiveInteraction(
        id=interaction.id,
        number=interaction.number,
        profile_id=interaction.profile_id,
        virtual_agent=interaction.virtual_agent,
        assigned_agent_id=interaction.assigned_agent_id,
        live_group=live_group,
        opened_at=interaction.opened_at,
    )
