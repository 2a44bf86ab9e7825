"""channel-wide STOP policy

Issue 26 item 6: `channel.stop_channel_wide` (default on) says a STOP to one of the channel's
numbers stops every number of it (domain/consent.py stop_for); `opt_out.why` keeps why the
latest change was made (a keyword, the provider, an agent, an import) so a refusal can say it,
and `opt_out.phone` is indexed: every check reads a phone's rows across the senders.

Revision ID: e5c1a9d3f7b2
Revises: d4b8e1f7a2c9
Create Date: 2026-12-10 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision: str = "e5c1a9d3f7b2"
down_revision: str | None = "d4b8e1f7a2c9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch mode: no table copy on SQLite).
    op.add_column(
        "channel",
        sa.Column("stop_channel_wide", sa.Boolean(), server_default=sa.true(), nullable=False),
    )
    op.add_column(
        "opt_out", sa.Column("why", AutoString(length=40), server_default="", nullable=False)
    )
    op.create_index("ix_opt_out_phone", "opt_out", ["phone"])


def downgrade() -> None:
    op.drop_index("ix_opt_out_phone", table_name="opt_out")
    op.drop_column("opt_out", "why")
    op.drop_column("channel", "stop_channel_wide")
