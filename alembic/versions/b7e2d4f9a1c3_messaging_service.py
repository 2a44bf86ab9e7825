"""the SMS channel's Twilio Messaging Service, and the sender Twilio chose

Issue 26 item 9: a channel may send through a Messaging Service (`MG` + 32 hex digits); a
message keeps the service it was queued for and the From Twilio reports it went from.

Plain ADD COLUMN (nullable, no default): no batch copy of `message`, whose copy on SQLite
would check every row's foreign keys again and drop its search triggers.

Revision ID: b7e2d4f9a1c3
Revises: a3c9e7f1d2b4
Create Date: 2026-12-09 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision: str = "b7e2d4f9a1c3"
down_revision: str | None = "a3c9e7f1d2b4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("channel", sa.Column("messaging_service_sid", AutoString(length=34), nullable=True))
    op.add_column("message", sa.Column("messaging_service_sid", AutoString(length=34), nullable=True))
    op.add_column("message", sa.Column("provider_from", AutoString(length=16), nullable=True))


def downgrade() -> None:
    op.drop_column("message", "provider_from")
    op.drop_column("message", "messaging_service_sid")
    op.drop_column("channel", "messaging_service_sid")
