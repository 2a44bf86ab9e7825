"""sla policies

Issue 27 item 8: service-level targets per channel, optionally per label, in the
administrator's order (`sla_policy`), and the last breach the alarm notified per interaction
(`interaction.sla_breach_key`). A new table and a nullable column: nothing to backfill.

Revision ID: a7d3e9c1b5f2
Revises: b7d9e1f3a5c6
Create Date: 2026-12-07 21:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from agent_workspace.models.types import UTCDateTime

revision: str = "a7d3e9c1b5f2"
down_revision: str | None = "b7d9e1f3a5c6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NO_LABEL = sa.text("label_id IS NULL")


def upgrade() -> None:
    op.create_table(
        "sla_policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("label_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("first_response_minutes", sa.Integer(), nullable=True),
        sa.Column("next_response_minutes", sa.Integer(), nullable=True),
        sa.Column("resolution_minutes", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "first_response_minutes IS NULL OR first_response_minutes > 0",
            name=op.f("ck_sla_policy_first_positive"),
        ),
        sa.CheckConstraint(
            "next_response_minutes IS NULL OR next_response_minutes > 0",
            name=op.f("ck_sla_policy_next_positive"),
        ),
        sa.CheckConstraint(
            "resolution_minutes IS NULL OR resolution_minutes > 0",
            name=op.f("ck_sla_policy_resolution_positive"),
        ),
        sa.ForeignKeyConstraint(
            ["channel_id"], ["channel.id"], name=op.f("fk_sla_policy_channel_id_channel")
        ),
        sa.ForeignKeyConstraint(
            ["label_id"], ["label.id"], name=op.f("fk_sla_policy_label_id_label")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_policy")),
        sa.UniqueConstraint("channel_id", "label_id", name="uq_sla_policy_channel_label"),
    )
    op.create_index(
        "uq_sla_policy_channel_default",
        "sla_policy",
        ["channel_id"],
        unique=True,
        sqlite_where=_NO_LABEL,
        postgresql_where=_NO_LABEL,
    )
    with op.batch_alter_table("interaction") as batch:
        batch.add_column(sa.Column("sla_breach_key", sa.String(length=40), nullable=True))


def downgrade() -> None:
    op.drop_column("interaction", "sla_breach_key")  # no batch copy (see d9b4f2a7c3e1)
    op.drop_index("uq_sla_policy_channel_default", table_name="sla_policy")
    op.drop_table("sla_policy")
