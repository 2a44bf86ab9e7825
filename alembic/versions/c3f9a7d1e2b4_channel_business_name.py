"""channel business name

The name a first text to a consumer should carry, set by an administrator on the SMS channel
(issue 26 item 8: the composer's deliverability checks); "" means none is set yet.

Revision ID: c3f9a7d1e2b4
Revises: b3f1d2c4a5e6
Create Date: 2026-12-07 13:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "c3f9a7d1e2b4"
down_revision: str | None = "b3f1d2c4a5e6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("channel") as batch:
        batch.add_column(
            sa.Column(
                "business_name",
                sqlmodel.sql.sqltypes.AutoString(length=80),
                nullable=False,
                server_default="",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("channel") as batch:
        batch.drop_column("business_name")
