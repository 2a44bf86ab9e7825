"""retry link

Issue 26 items 4 and 5. A Retry (or the error playbook's one automatic retry) is a new
message linked to the failed one by `message.retry_of_id`, unique so a message is retried once
however many click or work at once.

Revision ID: b3f1d2c4a5e6
Revises: b7d4e2a9c1f3
Create Date: 2026-12-07 12:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b3f1d2c4a5e6"
down_revision: str | None = "b7d4e2a9c1f3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE, never batch mode: a batch copy on SQLite would have to rebuild the
    # message table and its partial indexes.
    if op.get_bind().dialect.name == "sqlite":  # a column's own REFERENCES: no table copy
        op.execute("ALTER TABLE message ADD COLUMN retry_of_id INTEGER REFERENCES message (id)")
    else:
        op.add_column("message", sa.Column("retry_of_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "message_retry_of_id_fkey", "message", "message", ["retry_of_id"], ["id"]
        )
    op.create_index("ix_message_retry_of_id", "message", ["retry_of_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_message_retry_of_id", table_name="message")
    op.drop_column("message", "retry_of_id")
