"""message created index

Issue 27 item 10: the Reports page reads a period's messages (in and out, segments, delivery
outcomes, phones reached, the heatmap, the conversations answered in it) by when they were
written; without this index each figure scanned every message (about 150 ms each at 1,000,000
messages on PostgreSQL, the page over its 1 s target).

Revision ID: c3f8e2a6d9b4
Revises: a7d3e9c1b5f2
Create Date: 2026-12-07 21:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "c3f8e2a6d9b4"
down_revision: str | None = "a7d3e9c1b5f2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_message_created", "message", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_message_created", table_name="message")
