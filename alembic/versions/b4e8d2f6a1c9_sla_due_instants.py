"""sla due instants

Issue 27 item 8: every push of the supervisor board worked out the SLA clocks of every open
conversation on a channel with a policy (their labels, policies and messages) to count "due
soon" and "overdue", and the SLA alarm did the same each pass. The interaction now keeps its
nearest running clock's due moment, the moment it turns amber, and the next turn the alarm
tells (domain/sla.Due, kept by services/sla/clocks.py -> keep_due), each indexed: both are one
index read.

Backfill: the instants come from the domain's clocks (calendars, labels, messages), which SQL
cannot work out and which this migration does not import (the models move on; a migration
must not read through them). Every open interaction of a channel with a policy is marked due
for the alarm (`sla_alarm_at = opened_at`): the SLA alarm's first pass at start-up
(web/runtime.py -> run_sla_alarm) works its instants out and keeps them, and from then on the
services keep them with each change.

Revision ID: b4e8d2f6a1c9
Revises: b7d2f4a9c6e1
Create Date: 2026-12-08 00:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from agent_workspace.models.types import UTCDateTime

revision: str = "b4e8d2f6a1c9"
down_revision: str | None = "b7d2f4a9c6e1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = ("sla_due_at", "sla_amber_at", "sla_alarm_at")
_OPEN = ("new", "work_in_progress", "on_hold")


def upgrade() -> None:
    with op.batch_alter_table("interaction") as batch:
        for name in _COLUMNS:
            batch.add_column(sa.Column(name, UTCDateTime(timezone=True), nullable=True))
    op.create_index("ix_interaction_sla_amber", "interaction", ["sla_amber_at"])
    op.create_index("ix_interaction_sla_alarm", "interaction", ["sla_alarm_at"])
    interaction = sa.table(
        "interaction",
        sa.column("channel_id", sa.Integer()),
        sa.column("state", sa.String()),
        sa.column("opened_at", UTCDateTime(timezone=True)),
        sa.column("sla_alarm_at", UTCDateTime(timezone=True)),
    )
    policy = sa.table("sla_policy", sa.column("channel_id", sa.Integer()))
    op.execute(
        interaction.update()
        .where(
            interaction.c.state.in_(_OPEN),
            interaction.c.channel_id.in_(sa.select(policy.c.channel_id).distinct()),
        )
        .values(sla_alarm_at=interaction.c.opened_at)
    )


def downgrade() -> None:
    op.drop_index("ix_interaction_sla_alarm", table_name="interaction")
    op.drop_index("ix_interaction_sla_amber", table_name="interaction")
    for name in reversed(_COLUMNS):
        op.drop_column("interaction", name)  # no batch copy (see d9b4f2a7c3e1)
