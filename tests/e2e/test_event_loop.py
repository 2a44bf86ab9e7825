"""Blocking work never stalls the loop every tab shares: a reply is pushed live to one agent
while another tab's sign-in (seconds of bcrypt) is still running."""

from __future__ import annotations

import uuid

import bcrypt
import httpx
from playwright.sync_api import Browser, expect
from sqlmodel import Session, select

from agent_workspace.db.engine import make_engine
from agent_workspace.models import Role, SignInThrottle, User, UserRole
from tests.e2e.pages import messages, sign_in_as_agent
from tests.support.servers import WorkspaceServer
from tests.support.waiting import wait_until

SLOW_ROUNDS = 16  # several seconds of bcrypt on this kind of machine


def _slow_user(workspace: WorkspaceServer) -> str:
    """An agent whose stored hash costs 2^16 rounds to check (created once per workspace)."""
    engine = make_engine(workspace.env["AW_DATABASE_URL"])
    try:
        with Session(engine) as session:
            if session.exec(select(User).where(User.username == "slowpoke")).first() is None:
                digest = bcrypt.hashpw(b"slowpoke-password", bcrypt.gensalt(SLOW_ROUNDS))
                user = User(username="slowpoke", display_name="Slow", password_hash=digest.decode())
                session.add(user)
                session.flush()
                assert user.id is not None
                session.add(UserRole(user_id=user.id, role=Role.AGENT))
                session.commit()
    finally:
        engine.dispose()
    return "slowpoke"


def _tries_of(workspace: WorkspaceServer, username: str) -> set[tuple[object, ...]]:
    """The sign-in tries counted against the account: one is counted just before bcrypt runs."""
    engine = make_engine(workspace.env["AW_DATABASE_URL"])
    try:
        with Session(engine) as session:
            rows = session.exec(
                select(SignInThrottle).join(User).where(User.username == username)
            ).all()
            return {(r.key, r.failures, r.window_started_at, r.paused_until) for r in rows}
    finally:
        engine.dispose()


def test_a_reply_is_pushed_while_another_tab_is_signing_in(
    browser: Browser, workspace: WorkspaceServer
) -> None:
    username = _slow_user(workspace)
    bob = browser.new_context().new_page()
    sign_in_as_agent(bob, workspace, "bob")
    bob.goto(f"{workspace.url}/interactions/1")
    expect(bob.get_by_role("heading", name="IMS0001001")).to_be_visible()

    slow = browser.new_context().new_page()
    slow.goto(f"{workspace.url}/login")
    slow.get_by_label("Username").fill(username)
    slow.get_by_label("Password").fill("a wrong guess")
    before = _tries_of(workspace, username)
    slow.get_by_role("button", name="Sign in").click()
    # The server counted the try: the sign-in event has reached it, and bcrypt runs now.
    wait_until(lambda: _tries_of(workspace, username) != before, what="the try to be counted")

    secret = f"Pushed during a sign-in {uuid.uuid4().hex[:8]}"
    httpx.post(
        f"{workspace.simulator_url}/_sim/inbound",
        json={"from": "+14155550123", "to": "+14155550100", "body": secret},
        timeout=60,
    ).raise_for_status()
    expect(messages(bob).get_by_text(secret)).to_be_visible(timeout=30_000)
    # The refusal comes only when bcrypt is done: the push did not wait for it.
    expect(slow.get_by_role("alert")).to_have_count(0, timeout=1)
    expect(slow.get_by_role("alert")).to_contain_text("wrong password", timeout=60_000)
