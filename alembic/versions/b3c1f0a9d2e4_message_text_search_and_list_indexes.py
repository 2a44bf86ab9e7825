"""message text search and list indexes

The search index over message bodies (pg_trgm GIN on PostgreSQL, an FTS5 trigram table kept by
triggers on SQLite; see agent_workspace/db/text_search.py), and the indexes behind each list sort.

Revision ID: b3c1f0a9d2e4
Revises: 7d23583a1df0
Create Date: 2026-12-02 10:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "b3c1f0a9d2e4"
down_revision: str | None = "7d23583a1df0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UP = (
    "CREATE VIRTUAL TABLE message_fts USING fts5("
    "body, content='message', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER message_fts_insert AFTER INSERT ON message BEGIN "
    "INSERT INTO message_fts(rowid, body) VALUES (new.id, new.body); END",
    "CREATE TRIGGER message_fts_delete AFTER DELETE ON message BEGIN "
    "INSERT INTO message_fts(message_fts, rowid, body) VALUES ('delete', old.id, old.body); END",
    "CREATE TRIGGER message_fts_update AFTER UPDATE OF body ON message BEGIN "
    "INSERT INTO message_fts(message_fts, rowid, body) VALUES ('delete', old.id, old.body); "
    "INSERT INTO message_fts(rowid, body) VALUES (new.id, new.body); END",
    "INSERT INTO message_fts(message_fts) VALUES ('rebuild')",
)
SQLITE_DOWN = (
    "DROP TRIGGER message_fts_update",
    "DROP TRIGGER message_fts_delete",
    "DROP TRIGGER message_fts_insert",
    "DROP TABLE message_fts",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_message_body_trgm ON message USING gin (body gin_trgm_ops)")
    else:
        for statement in SQLITE_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_message_body_trgm")
    else:
        for statement in SQLITE_DOWN:
            op.execute(statement)
