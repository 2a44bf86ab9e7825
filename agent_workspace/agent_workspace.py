"""The Reflex app: pages, their guards, and the HTTP routes under /api/."""

from __future__ import annotations

import reflex as rx

from agent_workspace.pages.home import home_page
from agent_workspace.pages.login import login_page
from agent_workspace.state.interactions import MyInteractionsState
from agent_workspace.state.session import LoginState, SessionState

app = rx.App()
app.add_page(
    login_page,
    route="/login",
    title="Sign in · Agent Workspace",
    on_load=LoginState.redirect_if_signed_in,
)
app.add_page(
    home_page,
    route="/",
    title="Agent Workspace Home",
    on_load=[SessionState.guard_agent_page, MyInteractionsState.load],
)
