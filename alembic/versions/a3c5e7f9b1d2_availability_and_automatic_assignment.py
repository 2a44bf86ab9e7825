"""availability and automatic assignment

Issue 27 items 1 and 2: each agent chooses Available, Away or Offline (`app_user.presence`);
an SMS channel may hand new inbound conversations to Available agents, round robin with a
capacity per agent (`channel.auto_assign`, `channel.assign_capacity`, the last agent given one
in `channel.assign_cursor`, each agent's turn by `app_user.last_assigned_at`). Off by default:
an upgraded install keeps sending new texts to the virtual agent's queue.

Revision ID: a3c5e7f9b1d2
Revises: e5c1a9d3f7b2
Create Date: 2026-12-07 18:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from agent_workspace.models.types import UTCDateTime

revision: str = "a3c5e7f9b1d2"
down_revision: str | None = "e5c1a9d3f7b2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN on both databases (no batch mode: no table copy on SQLite).
    op.add_column(
        "app_user",
        sa.Column("presence", sa.String(length=16), nullable=False, server_default="offline"),
    )
    op.add_column(
        "app_user", sa.Column("last_assigned_at", UTCDateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "channel",
        sa.Column("auto_assign", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "channel",
        sa.Column("assign_capacity", sa.Integer(), nullable=False, server_default="5"),
    )
    op.add_column("channel", sa.Column("assign_cursor", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("channel", "assign_cursor")
    op.drop_column("channel", "assign_capacity")
    op.drop_column("channel", "auto_assign")
    op.drop_column("app_user", "last_assigned_at")
    op.drop_column("app_user", "presence")
