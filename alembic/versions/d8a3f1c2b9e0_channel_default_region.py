"""channel default region

An administrator sets the SMS channel's default region (where numbers typed without a country
code are read); NULL keeps AW_DEFAULT_REGION, so existing installs read numbers as before.

Revision ID: d8a3f1c2b9e0
Revises: c5d2e8a41f07
Create Date: 2026-12-09 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "d8a3f1c2b9e0"
down_revision: str | None = "c5d2e8a41f07"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("channel") as batch:
        batch.add_column(sa.Column("default_region", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("channel") as batch:
        batch.drop_column("default_region")
