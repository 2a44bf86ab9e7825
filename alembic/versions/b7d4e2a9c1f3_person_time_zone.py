"""person time zone

A consumer's or contact's own time zone (an IANA name), for the consumer's local time shown
beside their number (issue 26 item 1); NULL reads it from the number, as before.

Revision ID: b7d4e2a9c1f3
Revises: e5e986d60325
Create Date: 2026-12-07 12:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "b7d4e2a9c1f3"
down_revision: str | None = "e5e986d60325"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("consumer", "contact"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("time_zone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
            )


def downgrade() -> None:
    for table in ("consumer", "contact"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("time_zone")
