"""opt-out by an agent

Issue 26 item 7: a free-text request to stop texting ("please stop texting me") is flagged to
the agent, who opts the phone out with one click. `opt_out.changed_by_id` names that agent
(None: the phone's keyword or the provider's error 21610 did it), so the conversation says
who opted the number out and Send's refusal says why.

Revision ID: d4b8e1f7a2c9
Revises: b7e2d4f9a1c3
Create Date: 2026-12-08 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d4b8e1f7a2c9"
down_revision: str | None = "b7e2d4f9a1c3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE, never batch mode (a column's own REFERENCES on SQLite: no table copy).
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE opt_out ADD COLUMN changed_by_id INTEGER REFERENCES app_user (id)")
    else:
        op.add_column("opt_out", sa.Column("changed_by_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_opt_out_changed_by_id_app_user", "opt_out", "app_user", ["changed_by_id"], ["id"]
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("fk_opt_out_changed_by_id_app_user", "opt_out", type_="foreignkey")
    op.drop_column("opt_out", "changed_by_id")
