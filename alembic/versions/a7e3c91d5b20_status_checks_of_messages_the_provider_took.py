"""status checks of messages the provider took

Twilio sends each status callback once: one that came while the app was down is lost, and its
message stayed "sent" for good. Each accepted message now has a time to ask the provider for
its status should no final callback have come by then (services/messaging/settling.py).
Messages the provider already took and that are not final are due at once after upgrading.

Revision ID: a7e3c91d5b20
Revises: d8a3f1c2b9e0
Create Date: 2026-12-09 09:00:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import agent_workspace.models.types

revision: str = "a7e3c91d5b20"
down_revision: str | None = "d8a3f1c2b9e0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = sa.text("status_check_due_at IS NOT NULL")


def upgrade() -> None:
    # Plain ALTER TABLE, never batch mode: on SQLite a batch copies `message` into a new table,
    # and its triggers (the text-search index's, db/text_search.py) would not come along.
    op.add_column(
        "message",
        sa.Column(
            "status_check_due_at",
            agent_workspace.models.types.UTCDateTime(timezone=True),
            nullable=True,
        ),
    )
    op.add_column(
        "message", sa.Column("status_checks", sa.Integer(), nullable=False, server_default="0")
    )
    op.create_index(
        "ix_message_status_check_due",
        "message",
        ["status_check_due_at"],
        unique=False,
        sqlite_where=PENDING,
        postgresql_where=PENDING,
    )
    now = sa.bindparam("now", datetime.now(UTC), type_=agent_workspace.models.types.UTCDateTime())
    op.execute(
        sa.text(
            "UPDATE message SET status_check_due_at = :now WHERE direction = 'outbound'"
            " AND provider_sid IS NOT NULL AND status IN ('queued', 'sending', 'sent')"
        ).bindparams(now)
    )


def downgrade() -> None:
    op.drop_index("ix_message_status_check_due", table_name="message")
    op.drop_column("message", "status_checks")
    op.drop_column("message", "status_check_due_at")
