"""business hours and the after-hours auto-reply

Issue 27 items 8 and 9: a calendar per channel (time zone, weekly hours, holidays, kept as the
administrator's text; no zone: no hours), the auto-reply sent outside them (on/off and its
text), when a conversation got it (once each), and which messages are that reply.

Revision ID: d9b4f2a7c3e1
Revises: f2a6c4e8d1b7
Create Date: 2026-12-07 21:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from agent_workspace.models.types import UTCDateTime

revision: str = "d9b4f2a7c3e1"
down_revision: str | None = "f2a6c4e8d1b7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.add_column("channel", sa.Column("hours_zone", text(length=64), nullable=True))
    op.add_column(
        "channel",
        sa.Column("hours_week", text(length=400), nullable=False, server_default=""),
    )
    op.add_column(
        "channel", sa.Column("hours_holidays", sa.Text(), nullable=False, server_default="")
    )
    op.add_column(
        "channel",
        sa.Column("after_hours_reply", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "channel",
        sa.Column("after_hours_text", text(length=640), nullable=False, server_default=""),
    )
    op.add_column(
        "interaction",
        sa.Column("after_hours_replied_at", UTCDateTime(timezone=True), nullable=True),
    )
    op.add_column(
        "message",
        sa.Column("auto_reply", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+), not a batch copy: copying `message` re-checks every
    # foreign key of rows an earlier revision may have left dangling.
    op.drop_column("message", "auto_reply")
    op.drop_column("interaction", "after_hours_replied_at")
    for column in (
        "after_hours_text",
        "after_hours_reply",
        "hours_holidays",
        "hours_week",
        "hours_zone",
    ):
        op.drop_column("channel", column)
