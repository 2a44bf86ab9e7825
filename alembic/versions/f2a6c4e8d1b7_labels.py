"""labels

Issue 27 item 5: administrators define labels (a name, unique whatever its case, kept
case-folded in `name_key`, and a colour from a fixed palette); agents put them on interactions
(`interaction_label`, once per pair, with who added it and when). New tables only.

Revision ID: f2a6c4e8d1b7
Revises: c8e4a2f6b1d3
Create Date: 2026-12-07 19:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from agent_workspace.models.types import UTCDateTime

revision: str = "f2a6c4e8d1b7"
down_revision: str | None = "c8e4a2f6b1d3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "label",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("name_key", sa.String(length=160), nullable=False),
        sa.Column("colour", sa.String(length=20), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_label")),
        sa.UniqueConstraint("name_key", name=op.f("uq_label_name_key")),
    )
    op.create_table(
        "interaction_label",
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("label_id", sa.Integer(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interaction.id"],
            name=op.f("fk_interaction_label_interaction_id_interaction"),
        ),
        sa.ForeignKeyConstraint(
            ["label_id"], ["label.id"], name=op.f("fk_interaction_label_label_id_label")
        ),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["app_user.id"],
            name=op.f("fk_interaction_label_added_by_id_app_user"),
        ),
        sa.PrimaryKeyConstraint("interaction_id", "label_id", name=op.f("pk_interaction_label")),
    )
    op.create_index(
        "ix_interaction_label_label", "interaction_label", ["label_id", "interaction_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_interaction_label_label", table_name="interaction_label")
    op.drop_table("interaction_label")
    op.drop_table("label")
