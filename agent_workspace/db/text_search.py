"""The message-text search index, which lives beside the tables rather than in the metadata.

Searching a million messages for a word must not read a million rows. PostgreSQL keeps a
pg_trgm GIN index on `message.body` (it serves `ILIKE '%word%'`), and on the interaction number,
phone and short description, person names and stored numbers that search also looks inside;
SQLite keeps an FTS5 table with the trigram tokenizer over the same column (it serves
`MATCH '"word"'`, a case-insensitive substring), kept in step with `message` by triggers, so
every path that stores a message (Send, inbound, notes, demo data, bulk loads) is indexed
without knowing about it. Both need at least three characters: shorter words are matched in
numbers, names, descriptions and phones only.

Neither can be spelled as a portable SQLAlchemy `Index`, so the migration creates them and
Alembic's autogenerate is told to leave them alone (`include_name`).
"""

from __future__ import annotations

from collections.abc import Mapping

SQLITE_FTS_TABLE = "message_fts"
# pg_trgm GIN indexes: message text, and what else search matches inside (numbers, phones,
# names, the person's stored numbers, short descriptions).
POSTGRES_INDEXES = frozenset(
    {
        "ix_message_body_trgm",
        "ix_interaction_number_trgm",
        "ix_interaction_phone_trgm",
        "ix_consumer_name_trgm",
        "ix_contact_name_trgm",
        "ix_person_phone_e164_trgm",
        "ix_interaction_short_description_trgm",
    }
)
MIN_CHARS = 3  # one trigram

# FTS5 keeps its data in shadow tables named after the virtual table.
_SQLITE_TABLES = frozenset(
    {SQLITE_FTS_TABLE}
    | {f"{SQLITE_FTS_TABLE}_{part}" for part in ("data", "idx", "docsize", "config", "content")}
)


def include_name(name: str | None, type_: str, parent_names: Mapping[str, str | None]) -> bool:
    """Alembic `include_name`: autogenerate compares everything but the search index."""
    if type_ == "table":
        return name not in _SQLITE_TABLES
    if type_ == "index":
        return name not in POSTGRES_INDEXES
    return True


def fts_phrase(text: str) -> str:
    """`text` as one FTS5 phrase: a literal substring under the trigram tokenizer."""
    return '"' + text.replace('"', '""') + '"'
