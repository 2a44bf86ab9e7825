"""Search interactions: by number, person name, phone (the interaction's, or any of its
person's, also as written in the number's own country), short description, label name or
message text, as one set of ids.

Each way of matching is its own indexed lookup and the list takes their union, instead of one
OR that makes the database test every interaction against every way. Message text goes through
the search index (agent_workspace/db/text_search.py): FTS5 on SQLite, pg_trgm on PostgreSQL, so
a word in an old message is found without reading a million messages.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from agent_workspace.db.text_search import MIN_CHARS, SQLITE_FTS_TABLE, fts_phrase
from agent_workspace.domain.phone import national_readings
from agent_workspace.models import (
    Consumer,
    Contact,
    Direction,
    Interaction,
    InteractionLabel,
    Label,
    Message,
    PersonPhone,
)

MIN_PHONE_DIGITS = 3

SPACE: Any = sa.literal_column("' '")
_fts = sa.table(SQLITE_FTS_TABLE, sa.column("rowid", sa.Integer))


#: Above this many messages containing the text, the union of every matching interaction costs
#: more than walking the list in its own order and testing each interaction's few messages.
COMMON_TEXT_HITS = 2_000


def is_common(session: Session, text: str) -> bool:
    """Whether `text` is in so many messages that the list should test interactions in page
    order (an EXISTS per row that stops at a page) instead of collecting every match first;
    counted from the search index, stopping at the threshold."""
    if len(text) < MIN_CHARS:
        return False
    hits = _message_text(text, f"%{_escape(text)}%", session.get_bind().dialect.name)
    bounded = hits.limit(COMMON_TEXT_HITS).subquery()
    return int(session.exec(select(sa.func.count()).select_from(bounded)).one()) >= COMMON_TEXT_HITS


def matching(text: str, dialect: str, *, common: bool = False) -> Any:
    """The condition on Interaction for a search: the union of indexed lookups, or, for a
    text in very many messages, the lookups without the text OR a per-row EXISTS over the
    interaction's own messages (found through the message's interaction index)."""
    if not common:
        return col(Interaction.id).in_(matching_ids(text, dialect))
    like = f"%{_escape(text)}%"
    said = (
        select(Message.id)
        .where(
            Message.interaction_id == Interaction.id,
            Message.direction != Direction.NOTE,
            col(Message.body).ilike(like, escape="\\"),
        )
        .correlate(Interaction)
    )
    if dialect == "postgresql":
        # PostgreSQL would rather hash every matching message once (tens of thousands for a
        # common word) than test the rows it walks; an OFFSET keeps the EXISTS per row.
        said = said.offset(0)
    return sa.or_(
        col(Interaction.id).in_(matching_ids(text, dialect, text_too=False)), said.exists()
    )


def matching_ids(text: str, dialect: str, *, text_too: bool = True) -> Any:
    """The ids of interactions whose number, person, phone, short description, label names or
    messages contain `text`, case-insensitively; LIKE wildcards in `text` are taken literally.

    A phone is the interaction's own or any stored number of its person, whatever the
    interaction's type (a phone call has no phone of its own); it matches the digits typed, or
    the numbers the text is in its country's own notation ("0412 345 678" in Australia)."""
    like = f"%{_escape(text)}%"
    ways = [
        select(Interaction.id).where(col(Interaction.number).ilike(like, escape="\\")),
        select(Interaction.id).where(
            col(Interaction.consumer_id).in_(
                select(Consumer.id).where(_name_matches(Consumer, like))
            )
        ),
        select(Interaction.id).where(
            col(Interaction.contact_id).in_(select(Contact.id).where(_name_matches(Contact, like)))
        ),
        select(Interaction.id).where(col(Interaction.short_description).ilike(like, escape="\\")),
        # Through the (label, interaction) index: labels are few, their interactions many.
        select(InteractionLabel.interaction_id).where(
            col(InteractionLabel.label_id).in_(
                select(Label.id).where(col(Label.name).ilike(like, escape="\\"))
            )
        ),
    ]
    digits = re.sub(r"\D", "", text)
    if len(digits) >= MIN_PHONE_DIGITS:
        ways += _with_phone(col(Interaction.phone).like(f"%{digits}%"), f"%{digits}%")
    if national := sorted(national_readings(text)):
        ways += _with_phone(col(Interaction.phone).in_(national), national)
    if text_too and len(text) >= MIN_CHARS:
        ways.append(_message_text(text, like, dialect))
    return sa.union(*ways)


def _with_phone(own: Any, phones: str | list[str]) -> list[Any]:
    """Interactions whose own phone matches (`own`), and those whose person has a stored
    number that is LIKE `phones` (a pattern) or one of `phones` (a list)."""
    number = col(PersonPhone.e164)
    stored = number.like(phones) if isinstance(phones, str) else number.in_(phones)
    return [
        select(Interaction.id).where(own),
        select(Interaction.id).where(
            col(Interaction.consumer_id).in_(select(PersonPhone.consumer_id).where(stored))
        ),
        select(Interaction.id).where(
            col(Interaction.contact_id).in_(select(PersonPhone.contact_id).where(stored))
        ),
    ]


def _message_text(text: str, like: str, dialect: str) -> Any:
    """Interactions with a message (not an internal note) containing `text`."""
    said = select(Message.interaction_id).where(Message.direction != Direction.NOTE)
    if dialect == "sqlite":
        return said.join(_fts, _fts.c.rowid == col(Message.id)).where(
            sa.text(f"{SQLITE_FTS_TABLE} MATCH :phrase").bindparams(phrase=fts_phrase(text))
        )
    return said.where(col(Message.body).ilike(like, escape="\\"))


def _name_matches(model: type[Consumer] | type[Contact], like: str) -> Any:
    """ "First Last" contains the text; spelled as the PostgreSQL name index is (a literal
    space, no bound parameter), so the planner can use it."""
    full = col(model.first_name).op("||")(SPACE).op("||")(col(model.last_name))
    return full.ilike(like, escape="\\")


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
