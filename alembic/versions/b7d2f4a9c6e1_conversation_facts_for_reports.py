"""conversation facts for reports

Issue 27 item 10: the Reports page's first response read two index ranges of messages per
conversation answered in the period (1.9 s for 90 days by agent at 1,000,000 messages on
PostgreSQL). The conversation keeps its first inbound text and first response instead
(services/interactions/lifecycle.py note_inbound_message and note_response), read by an index range, and
closed conversations get an index too. Existing conversations are backfilled from their
messages with the statement of lifecycle.py rebuild_conversation_facts (copied: a migration
keeps the rule as it was when it ran).

Revision ID: b7d2f4a9c6e1
Revises: c3f8e2a6d9b4
Create Date: 2026-12-08 00:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from agent_workspace.models.types import UTCDateTime

revision: str = "b7d2f4a9c6e1"
down_revision: str | None = "c3f8e2a6d9b4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIRST_INBOUND = (
    "UPDATE interaction SET first_inbound_at = (SELECT MIN(m.created_at) FROM message m"
    " WHERE m.interaction_id = interaction.id AND m.direction = 'inbound')"
)
FIRST_RESPONSE = (
    "UPDATE interaction SET first_response_at = (SELECT MIN(m.created_at) FROM message m"
    " WHERE m.interaction_id = interaction.id AND m.direction = 'outbound'"
    " AND NOT m.auto_reply AND m.created_at > interaction.first_inbound_at)"
    " WHERE first_inbound_at IS NOT NULL"
)


def upgrade() -> None:
    op.add_column("interaction", sa.Column("first_inbound_at", UTCDateTime(), nullable=True))
    op.add_column("interaction", sa.Column("first_response_at", UTCDateTime(), nullable=True))
    op.execute(FIRST_INBOUND)
    op.execute(FIRST_RESPONSE)
    op.create_index("ix_interaction_first_response", "interaction", ["first_response_at"])
    op.create_index("ix_interaction_closed", "interaction", ["closed_at"])


def downgrade() -> None:
    op.drop_index("ix_interaction_closed", table_name="interaction")
    op.drop_index("ix_interaction_first_response", table_name="interaction")
    op.drop_column("interaction", "first_response_at")
    op.drop_column("interaction", "first_inbound_at")
