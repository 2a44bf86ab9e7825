"""checked inbound text with the accepted row

The route parses and checks an inbound webhook before it stores it; the router parsed the
stored form a second time. The checked text (To, Body as a message keeps it, media,
OptOutType) is now stored with the row, and the router builds the text from it. Rows accepted
before keep these columns NULL and are parsed from their stored fields as before.

Revision ID: e5e986d60325
Revises: a7e3c91d5b20
Create Date: 2026-12-07 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "e5e986d60325"
down_revision: str | None = "a7e3c91d5b20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "accepted_webhook"


def upgrade() -> None:
    op.add_column(
        TABLE, sa.Column("to_number", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
    )
    op.add_column(TABLE, sa.Column("body", sa.Text(), nullable=True))
    op.add_column(TABLE, sa.Column("media", sa.JSON(), nullable=True))
    op.add_column(
        TABLE,
        sa.Column("opt_out_type", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    )


def downgrade() -> None:
    # Plain ALTER TABLE, never batch mode: a batch copy on SQLite would have to rebuild the
    # partial indexes of pending rows.
    for column in ("opt_out_type", "media", "body", "to_number"):
        op.drop_column(TABLE, column)
