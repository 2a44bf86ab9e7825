"""presence set automatically

Issue 27 item 1: an Available agent idle for AW_AWAY_AFTER_MINUTES turns Away, and back when
they act; `app_user.presence_auto` says the Away was set so (an Away they chose stays).

Revision ID: b7d9e1f3a5c6
Revises: d9b4f2a7c3e1
Create Date: 2026-12-07 21:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b7d9e1f3a5c6"
down_revision: str | None = "d9b4f2a7c3e1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN on both databases (no batch mode: no table copy on SQLite).
    op.add_column(
        "app_user",
        sa.Column("presence_auto", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_column("app_user", "presence_auto")
