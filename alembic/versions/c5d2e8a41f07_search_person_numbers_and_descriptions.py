"""search person numbers and short descriptions

Search matches inside every stored number of an interaction's person and inside its short
description (ILIKE '%text%'); on PostgreSQL pg_trgm GIN indexes serve both, as they serve the
interaction's phone and number (see agent_workspace/db/text_search.py). SQLite scans these
columns as it scans names.

Revision ID: c5d2e8a41f07
Revises: e4579d37cbe1
Create Date: 2026-12-08 09:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "c5d2e8a41f07"
down_revision: str | None = "e4579d37cbe1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

POSTGRES_TRGM = {
    "ix_person_phone_e164_trgm": "person_phone USING gin (e164 gin_trgm_ops)",
    "ix_interaction_short_description_trgm": (
        "interaction USING gin (short_description gin_trgm_ops)"
    ),
}


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, target in POSTGRES_TRGM.items():
            op.execute(f"CREATE INDEX {name} ON {target}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in POSTGRES_TRGM:
            op.execute(f"DROP INDEX {name}")
