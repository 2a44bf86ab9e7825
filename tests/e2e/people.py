"""People a test adds to the running workspace's database directly (the screens that create
them have their own tests), each with a name and numbers of its own, so no other test's demo data
changes."""

from __future__ import annotations

import uuid

from agent_workspace.db.engine import make_engine, transaction
from agent_workspace.domain.routing import PersonKind
from agent_workspace.models import Role
from agent_workspace.services.accounts import users
from agent_workspace.services.interactions import notices
from agent_workspace.services.people.directory import add_person
from tests.support.servers import WorkspaceServer

_ISSUED: set[str] = set()


def fresh_mobile() -> str:
    """A US number no other test of this process uses (555-1000 to 555-9999). Random draws
    alone repeat: 25 of them from 9,000 collide about 3 % of the time, and a repeated number
    texts into the conversation it already has instead of opening one."""
    while (number := f"+1415555{uuid.uuid4().int % 9000 + 1000}") in _ISSUED:
        pass
    _ISSUED.add(number)
    return number


def fresh_name(first: str) -> str:
    """A first name and a last name of letters only, e.g. "Rosa Cceac": rows read as names."""
    letters = "".join(c for c in uuid.uuid4().hex if c.isalpha())[:5] or "abcde"
    return f"{first} {letters.capitalize()}"


def add_consumer(workspace: WorkspaceServer, name: str, *phones: str, country: str) -> None:
    """A consumer with stored numbers (E.164, primary first), as a CSV import would add one."""
    first, last = name.split(" ", 1)
    engine = make_engine(workspace.env["AW_DATABASE_URL"])
    try:
        with transaction(engine) as session:
            add_person(
                session=session,
                kind=PersonKind.CONSUMER,
                first_name=first,
                last_name=last,
                phones=phones,
                country=country,
            )
    finally:
        engine.dispose()


def add_agent(workspace: WorkspaceServer, first: str) -> tuple[str, int]:
    """A fresh agent of the running workspace (password '<username>-pass-phrase'), so notices
    and lists a test gives them reach no other test's agent; returns username and id."""
    username = f"{first.lower()}{uuid.uuid4().hex[:6]}"
    engine = make_engine(workspace.env["AW_DATABASE_URL"])
    try:
        with transaction(engine) as session:
            user = users.create_user(
                session=session,
                username=username,
                display_name=f"{first} Agent",
                password=f"{username}-pass-phrase",
                roles=(Role.AGENT,),
            )
            assert user.id is not None
            return username, user.id
    finally:
        engine.dispose()


def leave_notices(
    workspace: WorkspaceServer, agent_id: int, *texts: str, interaction_id: int | None = None
) -> None:
    """Notices as reassigning or taking over the agent's work leaves them (the agent's next
    page load shows them)."""
    engine = make_engine(workspace.env["AW_DATABASE_URL"])
    try:
        with transaction(engine) as session:
            for text in texts:
                notices.notify(session, agent_id=agent_id, text=text, interaction_id=interaction_id)
    finally:
        engine.dispose()
