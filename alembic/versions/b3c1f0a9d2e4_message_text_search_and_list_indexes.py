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


# Search matches inside these (ILIKE '%text%'); the name expression is the one the query uses.
POSTGRES_TRGM = {
    "ix_message_body_trgm": "message USING gin (body gin_trgm_ops)",
    "ix_interaction_number_trgm": "interaction USING gin (number gin_trgm_ops)",
    "ix_interaction_phone_trgm": "interaction USING gin (phone gin_trgm_ops)",
    "ix_consumer_name_trgm": "consumer USING gin ((first_name || ' ' || last_name) gin_trgm_ops)",
    "ix_contact_name_trgm": "contact USING gin ((first_name || ' ' || last_name) gin_trgm_ops)",
}
SORT_INDEXES = {
    "ix_interaction_updated": ["updated_at", "id"],
    "ix_interaction_opened": ["opened_at", "id"],
    "ix_interaction_waiting": ["awaiting_reply_since", "id"],
}


def upgrade() -> None:
    with op.batch_alter_table("interaction", schema=None) as batch_op:
        for name, columns in SORT_INDEXES.items():
            batch_op.create_index(name, columns, unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, target in POSTGRES_TRGM.items():
            op.execute(f"CREATE INDEX {name} ON {target}")
    else:
        for statement in SQLITE_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in POSTGRES_TRGM:
            op.execute(f"DROP INDEX {name}")
    else:
        for statement in SQLITE_DOWN:
            op.execute(statement)
    with op.batch_alter_table("interaction", schema=None) as batch_op:
        for name in SORT_INDEXES:
            batch_op.drop_index(name)
