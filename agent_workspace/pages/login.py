"""Sign-in page."""

from __future__ import annotations

import reflex as rx

from agent_workspace.components.forms import error_callout
from agent_workspace.components.outage import outage_banner
from agent_workspace.state.session import LoginState


def login_page() -> rx.Component:
    return rx.fragment(outage_banner(), _sign_in())


def _sign_in() -> rx.Component:
    return rx.center(
        rx.card(
            rx.form(
                rx.vstack(
                    rx.heading("Sign in to Agent Workspace", size="6"),
                    rx.el.label("Username", html_for="username"),
                    rx.input(
                        id="username", name="username", auto_complete="username", width="100%"
                    ),
                    rx.el.label("Password", html_for="password"),
                    rx.input(
                        id="password",
                        name="password",
                        type="password",
                        auto_complete="current-password",
                        width="100%",
                    ),
                    error_callout(LoginState.error, width="100%"),
                    rx.button("Sign in", type="submit", width="100%"),
                    spacing="3",
                    width="100%",
                ),
                on_submit=LoginState.sign_in,
                reset_on_submit=False,
            ),
            width="24em",
        ),
        min_height="100vh",
    )
