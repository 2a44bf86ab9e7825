"""Which signed-in sessions show which live feed, so each push goes to valid sessions only.

Every tab links to its session's own copy of a feed (`<feed>s<session id>`); the notifier reads
here who shows the feed with a session that is valid now and the right role, and pushes to
those copies only. A session that ends is never sent anything again, whatever its tabs hold.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import reading, transaction
from agent_workspace.models import AuthSession, LiveView, Role, User, UserRole, utcnow
from agent_workspace.models.types import UTCDateTime
from agent_workspace.services.access import Actor
from agent_workspace.services.accounts.auth import live_session
from agent_workspace.services.errors import AccessDenied


def session_token(feed: str, session_id: int) -> str:
    """The shared-state token of one session's copy of a feed (no "_": Reflex forbids it)."""
    return f"{feed}s{session_id}"


def register(*, actor: Actor | None, feed: str, engine: Engine | None = None) -> str:
    """Notes that the actor's session shows `feed`; returns the token its tabs link to."""
    if actor is None or actor.session_id is None:
        raise AccessDenied("Please sign in first.")
    with transaction(engine) as session:
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
    return session_token(feed, actor.session_id)


def viewers(feed: str, *, engine: Engine | None = None) -> list[tuple[int, Actor]]:
    """(session id, user) of every session showing `feed` that is valid now."""
    return viewers_of([feed], engine=engine).get(feed, [])


# One statement of plain columns (a row per role), built once: this runs in every push round.
_VIEWERS = (
    sa.select(
        col(LiveView.feed),
        col(AuthSession.id),
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


def viewers_of(
    feeds: list[str], *, engine: Engine | None = None
) -> dict[str, list[tuple[int, Actor]]]:
    """The same for several feeds in one read: a push round asks once, not once per feed.
    Feeds nobody shows are absent, so the notifier reads nothing for them."""
    with reading(engine) as session:
        return viewers_in(session, feeds)


def viewers_in(session: Session, feeds: list[str]) -> dict[str, list[tuple[int, Actor]]]:
    """viewers_of in the caller's read, so a push round's reads share one session."""
    if not feeds:
        return {}
    bounds = {"feeds": feeds, "now": utcnow()}
    rows = session.connection().execute(_VIEWERS, bounds).all()
    grouped: dict[tuple[str, int], tuple[int, str, str, set[Role]]] = {}
    for feed, session_id, user_id, username, display_name, role in rows:
        _, _, _, roles = grouped.setdefault(
            (feed, session_id), (user_id, username, display_name, set())
        )
        if role is not None:
            roles.add(Role(role))
    shown: dict[str, list[tuple[int, Actor]]] = {}
    for (feed, session_id), (user_id, username, display_name, roles) in grouped.items():
        actor = Actor(user_id, username, display_name, frozenset(roles), session_id)
        shown.setdefault(feed, []).append((session_id, actor))
    return shown
