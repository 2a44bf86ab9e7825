"""Which signed-in sessions show which live feed, so each push goes to valid sessions only.

Every tab links to its session's own copy of a feed; the notifier reads here who shows the feed
with a session that is valid now and the right role, and pushes to those copies only. A session
that ends is never sent anything again, whatever its tabs hold, and its copies are emptied.

A copy lives in Reflex's state manager under a name, and a socket.io client chooses the name of
the state it hydrates: so the name is a MAC of the feed and the session under a key only the
server has (the secret and the session token's hash), never something a client can count to.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.config import get_settings
from agent_workspace.db.engine import reading, transaction
from agent_workspace.models import AuthSession, LiveView, Role, User, UserRole, utcnow
from agent_workspace.models.types import UTCDateTime
from agent_workspace.services.access import Actor, live_session
from agent_workspace.services.errors import AccessDenied

COPY_PREFIX = "copy"


def copy_token(feed: str, session_id: int, token_hash: str) -> str:
    """The state-manager name of one session's copy of a feed: unguessable without the secret
    and the session's token, and never shaped like a browser's token (a UUID), which is all a
    socket may name (web/socket_guard.py). Hex only: Reflex forbids "_" in it."""
    key = f"{get_settings().secret_key}|{token_hash}".encode()
    mac = hmac.new(key, f"{feed}|{session_id}".encode(), hashlib.sha256).hexdigest()
    return f"{COPY_PREFIX}{mac[:40]}"


class Viewer(NamedTuple):
    """A valid session showing a feed: the name of its copy, and who it is."""

    copy: str
    actor: Actor


def register(*, actor: Actor | None, feed: str, engine: Engine | None = None) -> str:
    """Notes that the actor's session shows `feed`; returns the name of the copy its tabs link
    to."""
    if actor is None or actor.session_id is None:
        raise AccessDenied("Please sign in first.")
    with transaction(engine) as session:
        token_hash = session.exec(
            select(AuthSession.token_hash).where(AuthSession.id == actor.session_id)
        ).first()
        if token_hash is None:
            raise AccessDenied("Please sign in first.")
        found = session.exec(
            select(LiveView.id).where(
                LiveView.feed == feed, LiveView.session_id == actor.session_id
            )
        ).first()
        if found is None:
            try:
                with session.begin_nested():
                    session.add(LiveView(feed=feed, session_id=actor.session_id))
            except sa.exc.IntegrityError:
                pass  # another tab of the same session registered it at the same moment
    return copy_token(feed, actor.session_id, token_hash)


def viewers(feed: str, *, engine: Engine | None = None) -> list[Viewer]:
    """(session id, user) of every session showing `feed` that is valid now."""
    return viewers_of([feed], engine=engine).get(feed, [])


# One statement of plain columns (a row per role), built once: this runs in every push round.
_VIEWERS = (
    sa.select(
        col(LiveView.feed),
        col(AuthSession.id),
        col(AuthSession.token_hash),
        col(User.id),
        col(User.username),
        col(User.display_name),
        col(UserRole.role),
    )
    .join(AuthSession, col(LiveView.session_id) == AuthSession.id)
    .join(User, col(User.id) == AuthSession.user_id)
    .outerjoin(UserRole, col(UserRole.user_id) == User.id)
    .where(
        col(LiveView.feed).in_(sa.bindparam("feeds", expanding=True)),
        live_session(now=sa.bindparam("now", type_=UTCDateTime)),
    )
    .order_by(col(LiveView.feed), col(AuthSession.id))
)


def viewers_of(feeds: list[str], *, engine: Engine | None = None) -> dict[str, list[Viewer]]:
    """The same for several feeds in one read: a push round asks once, not once per feed.
    Feeds nobody shows are absent, so the notifier reads nothing for them."""
    with reading(engine) as session:
        return viewers_in(session, feeds)


def viewers_in(session: Session, feeds: list[str]) -> dict[str, list[Viewer]]:
    """viewers_of in the caller's read, so a push round's reads share one session."""
    if not feeds:
        return {}
    bounds = {"feeds": feeds, "now": utcnow()}
    rows = session.connection().execute(_VIEWERS, bounds).all()
    grouped: dict[tuple[str, int], tuple[str, int, str, str, set[Role]]] = {}
    for feed, session_id, token_hash, user_id, username, display_name, role in rows:
        *_, roles = grouped.setdefault(
            (feed, session_id), (token_hash, user_id, username, display_name, set())
        )
        if role is not None:
            roles.add(Role(role))
    shown: dict[str, list[Viewer]] = {}
    for (feed, session_id), (token_hash, user_id, username, name, roles) in grouped.items():
        actor = Actor(user_id, username, name, frozenset(roles), session_id)
        copy = copy_token(feed, session_id, token_hash)
        shown.setdefault(feed, []).append(Viewer(copy, actor))
    return shown


class EndedView(NamedTuple):
    feed: str
    copy: str


def take_ended(*, engine: Engine | None = None) -> list[EndedView]:
    """Forgets every view whose session has ended (signed out, revoked, expired, its user
    deactivated) and returns them, so their copies are emptied. Each is returned once, to one
    caller, however many workers sweep at the same moment (DELETE ... RETURNING)."""
    now = utcnow()
    ended = (
        sa.select(col(LiveView.id))
        .join(AuthSession, col(LiveView.session_id) == AuthSession.id)
        .join(User, col(User.id) == AuthSession.user_id)
        .where(sa.not_(live_session(now=now)))
    )
    with transaction(engine) as session:
        rows = session.execute(
            sa.delete(LiveView)
            .where(col(LiveView.id).in_(ended))
            .returning(col(LiveView.feed), col(LiveView.session_id))
        ).all()
        if not rows:
            return []
        ids = {session_id for _, session_id in rows}
        hashes: dict[int, str] = {
            session_id: token_hash
            for session_id, token_hash in session.execute(
                sa.select(col(AuthSession.id), col(AuthSession.token_hash)).where(
                    col(AuthSession.id).in_(ids)
                )
            ).all()
        }
    return [EndedView(feed, copy_token(feed, sid, hashes[sid])) for feed, sid in rows]
