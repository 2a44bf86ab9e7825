"""quiet hours per channel and scheduled messages

Issue 26 items 2 and 3: the SMS channel's quiet-hours policy (enabled, the allowed window in
minutes after the recipient's local midnight, US state rules, the reply exemption in hours;
defaults 08:00-21:00, state rules on, 24 h), and a message's `scheduled_for` (UTC) for the
new `scheduled` status (statuses are stored as their values in a VARCHAR: no type change).

Revision ID: a3c9e7f1d2b4
Revises: c3f9a7d1e2b4
Create Date: 2026-12-07 13:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from agent_workspace.models.types import UTCDateTime

revision: str = "a3c9e7f1d2b4"
down_revision: str | None = "c3f9a7d1e2b4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CHANNEL = (
    ("quiet_hours_enabled", sa.Boolean(), sa.true()),
    ("quiet_start_minute", sa.Integer(), sa.text("480")),
    ("quiet_end_minute", sa.Integer(), sa.text("1260")),
    ("quiet_state_rules", sa.Boolean(), sa.true()),
    ("quiet_reply_exempt_hours", sa.Integer(), sa.text("24")),
)


def upgrade() -> None:
    with op.batch_alter_table("channel") as batch:
        for name, kind, default in _CHANNEL:
            batch.add_column(sa.Column(name, kind, nullable=False, server_default=default))
    with op.batch_alter_table("message") as batch:
        batch.add_column(sa.Column("scheduled_for", UTCDateTime(), nullable=True))
        batch.create_index(
            "ix_message_scheduled_due",
            ["scheduled_for"],
            sqlite_where=sa.text("status = 'scheduled'"),
            postgresql_where=sa.text("status = 'scheduled'"),
        )


def downgrade() -> None:
    # Plain DROP COLUMN, never a batch copy: on SQLite a copy of `message` would check every
    # row's foreign keys again and drop its search triggers.
    op.drop_index("ix_message_scheduled_due", table_name="message")
    op.drop_column("message", "scheduled_for")
    for name, _, _ in reversed(_CHANNEL):
        op.drop_column("channel", name)
