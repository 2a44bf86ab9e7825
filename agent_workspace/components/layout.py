"""The workspace frame: header with the signed-in agent, navigation, and the refusal panel."""

from __future__ import annotations

from typing import Any

import reflex as rx

from agent_workspace.components.forms import callout, callout_root
from agent_workspace.state.live import NoticeFeed
from agent_workspace.state.session import SessionState

# Read by screen readers (and role-based test selectors), not shown.
VISUALLY_HIDDEN = {
    "position": "absolute",
    "width": "1px",
    "height": "1px",
    "overflow": "hidden",
    "clip": "rect(0 0 0 0)",
    "white_space": "nowrap",
}


def header() -> rx.Component:
    return rx.el.header(
        rx.hstack(
            rx.link(rx.heading("Agent Workspace", size="5"), href="/", underline="none"),
            rx.spacer(),
            rx.cond(
                SessionState.signed_in,
                rx.hstack(
                    rx.cond(
                        SessionState.is_supervisor, rx.link("Supervisor board", href="/supervisor")
                    ),
                    rx.cond(SessionState.is_admin, rx.link("Administration", href="/admin")),
                    rx.text(SessionState.display_name, weight="medium", aria_label="Signed in as"),
                    rx.button("Sign out", on_click=SessionState.sign_out, variant="soft", size="2"),
                    align="center",
                    spacing="3",
                ),
            ),
            width="100%",
            padding_x="1.5em",
            padding_y="0.75em",
            border_bottom="1px solid var(--gray-5)",
            align="center",
        )
    )


def notices() -> rx.Component:
    """Live notices about this agent's work that someone else did, until dismissed."""
    return rx.cond(
        NoticeFeed.items.length() > 0,
        rx.vstack(
            rx.foreach(
                NoticeFeed.items,
                lambda notice: callout_root(
                    rx.hstack(
                        rx.callout.text(notice.text),
                        rx.spacer(),
                        rx.cond(
                            notice.interaction_id > 0,
                            rx.link(
                                "Open",
                                href=f"/interactions/{notice.interaction_id}",
                                color="var(--gray-12)",
                                underline="always",
                            ),
                        ),
                        rx.button(
                            "Dismiss",
                            on_click=SessionState.dismiss_notice(notice.id),
                            size="1",
                            variant="soft",
                            high_contrast=True,
                            aria_label="Dismiss notice",
                        ),
                        align="center",
                        width="100%",
                    ),
                    color_scheme="amber",
                    width="100%",
                    role="note",
                ),
            ),
            role="region",
            aria_label="Notices",
            aria_live="polite",
            width="100%",
            padding_x="1.5em",
            padding_top="0.75em",
        ),
    )


def refused_panel(reason: Any = SessionState.denied_reason) -> rx.Component:
    return rx.center(
        callout(reason, icon="shield-alert", color_scheme="red", role="alert"),
        padding="3em",
    )


def role_page(refusal: Any, content: rx.Component) -> rx.Component:
    """A page for one role (supervisor, admin): its content, or why it is refused."""
    return rx.box(
        header(),
        rx.el.main(rx.cond(refusal != "", refused_panel(refusal), content), width="100%"),
        width="100%",
        min_height="100vh",
    )


def workspace_page(*children: rx.Component) -> rx.Component:
    """Wraps a workspace page: content only for agents, a refusal for signed-in non-agents."""
    return rx.box(
        header(),
        notices(),
        rx.el.main(
            rx.cond(
                SessionState.denied_reason != "",
                refused_panel(),
                rx.cond(
                    SessionState.signed_in,
                    rx.box(*children, width="100%"),
                    rx.center(rx.spinner(), padding="3em"),
                ),
            ),
            width="100%",
        ),
        width="100%",
        min_height="100vh",
    )
