"""snooze

Issue 27 item 4: an agent snoozes a conversation until a time or until the consumer replies.
`snoozed_at` says it is snoozed (and since when: a reply after it wakes it), `snoozed_until`
when the alarm wakes it (NULL: only a reply does), `snoozed_by_id` who snoozed it.

Revision ID: c8e4a2f6b1d3
Revises: a3c5e7f9b1d2
Create Date: 2026-12-07 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from agent_workspace.models.types import UTCDateTime

revision: str = "c8e4a2f6b1d3"
down_revision: str | None = "a3c5e7f9b1d2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE, never batch mode (a column's own REFERENCES on SQLite: no table copy).
    op.add_column("interaction", sa.Column("snoozed_at", UTCDateTime(timezone=True), nullable=True))
    op.add_column(
        "interaction", sa.Column("snoozed_until", UTCDateTime(timezone=True), nullable=True)
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE interaction ADD COLUMN snoozed_by_id INTEGER REFERENCES app_user (id)"
        )
    else:
        op.add_column("interaction", sa.Column("snoozed_by_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_interaction_snoozed_by_id_app_user",
            "interaction",
            "app_user",
            ["snoozed_by_id"],
            ["id"],
        )
    op.create_index("ix_interaction_snoozed_until", "interaction", ["snoozed_until"])


def downgrade() -> None:
    op.drop_index("ix_interaction_snoozed_until", table_name="interaction")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(
            "fk_interaction_snoozed_by_id_app_user", "interaction", type_="foreignkey"
        )
    op.drop_column("interaction", "snoozed_by_id")
    op.drop_column("interaction", "snoozed_until")
    op.drop_column("interaction", "snoozed_at")
