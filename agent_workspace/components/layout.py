"""The workspace frame: header with the signed-in agent, navigation, and the refusal panel."""

from __future__ import annotations

from typing import Any

import reflex as rx

from agent_workspace.components.forms import VISUALLY_HIDDEN, callout
from agent_workspace.state.live import NOTICES, PRESENCE, NoticeFeed, PresenceFeed
from agent_workspace.state.session import SessionState
from agent_workspace.state.views import NoticeItem

CONVERSATIONS_ID = "conversations"  # the skip link's target: the rows of the list
# A time's title (on hover) in the browser's, the agent's, zone: the date and the offset.
TIME_TITLE = "D MMM YYYY HH:mm [UTC]Z"


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
                    rx.cond(
                        SessionState.is_supervisor | SessionState.is_admin,
                        rx.link("Reports", href="/reports"),
                    ),
                    rx.cond(SessionState.is_admin, rx.link("Administration", href="/admin")),
                    rx.text(SessionState.display_name, weight="medium", aria_label="Signed in as"),
                    rx.cond(SessionState.presence != "", _presence()),
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


PRESENCES = (("available", "Available"), ("away", "Away"), ("offline", "Offline"))


def _presence() -> rx.Component:
    """The agent's availability: only Available receives new conversations automatically.
    It follows the agent's live presence feed, so a change in another of their tabs (or Away
    after idle, reported by one tab) shows here with no reload."""
    return rx.hstack(
        rx.box(rx.el.span(on_mount=SessionState.follow_pane(PRESENCE)), display="none"),
        rx.el.label("Status", html_for="presence", style=VISUALLY_HIDDEN),
        rx.el.select(
            *(rx.el.option(label, value=value) for value, label in PRESENCES),
            id="presence",
            value=rx.cond(
                PresenceFeed.presence != "", PresenceFeed.presence, SessionState.presence
            ),
            on_change=SessionState.set_presence,
            style={"padding": "0.3em", "border_radius": "6px", "border": "1px solid var(--gray-7)"},
        ),
        rx.cond(
            SessionState.presence_error != "",
            rx.text(SessionState.presence_error, color_scheme="red", size="1", role="alert"),
        ),
        _idle_watch(),
        align="center",
        spacing="1",
    )


def _idle_watch() -> rx.Component:
    """What assets/workspace.js needs to turn an idle Available agent Away: the idle time, and
    the two events it clicks (no timer runs on the server)."""
    hidden = {"display": "none"}
    return rx.el.div(
        rx.el.button(on_click=SessionState.went_idle, id="aw-went-idle", tab_index=-1),
        rx.el.button(on_click=SessionState.came_back, id="aw-came-back", tab_index=-1),
        id="aw-idle",
        custom_attrs={"data-away-after": SessionState.away_after_ms},
        aria_hidden="true",
        style=hidden,
    )


def _notice(notice: rx.Var[NoticeItem]) -> rx.Component:
    """One line per notice: Open reads it (it goes), Dismiss reads it without opening."""
    return rx.el.li(
        rx.hstack(
            rx.text(
                rx.moment(notice.at, format="HH:mm", with_title=True, title_format=TIME_TITLE),
                size="1",
                color="var(--gray-11)",
            ),
            rx.text(notice.text, size="2", flex="1", min_width="0"),
            rx.cond(
                notice.interaction_id > 0,
                rx.link(
                    "Open",
                    href=f"/interactions/{notice.interaction_id}",
                    on_click=SessionState.dismiss_notice(notice.id),
                    size="2",
                    color="var(--gray-12)",
                    underline="always",
                ),
            ),
            rx.icon_button(
                rx.icon("x", size=14),
                on_click=SessionState.dismiss_notice(notice.id),
                size="1",
                variant="ghost",
                color_scheme="gray",
                high_contrast=True,
                aria_label="Dismiss notice",
                title="Dismiss",
            ),
            align="center",
            spacing="2",
            width="100%",
            role="note",
        ),
        style={
            "background": "var(--amber-3)",
            "border_left": "3px solid var(--amber-9)",
            "border_radius": "4px",
            "padding": "0.2em 0.5em",
            "list_style": "none",
        },
    )


def notices() -> rx.Component:
    """Live notices about this agent's work that someone else did, until read: a compact strip
    that scrolls past a few lines, so however many come Send stays on screen."""
    several = NoticeFeed.items.length() > 1
    return rx.fragment(
        # The pane follows its live feed (state/live.py PANES) from the moment it is on screen.
        rx.box(rx.el.span(on_mount=SessionState.follow_pane(NOTICES)), display="none"),
        _notices(several),
    )


def _notices(several: rx.Var[bool]) -> rx.Component:
    return rx.cond(
        NoticeFeed.items.length() > 0,
        rx.el.section(
            rx.hstack(
                rx.text(
                    NoticeFeed.items.length(),
                    rx.cond(several, " notices", " notice"),
                    size="1",
                    weight="bold",
                    color="var(--gray-12)",
                ),
                rx.spacer(),
                rx.cond(
                    several,
                    rx.button(
                        "Dismiss all",
                        on_click=SessionState.dismiss_all_notices,
                        size="1",
                        variant="soft",
                        high_contrast=True,
                        aria_label="Dismiss all notices",
                    ),
                ),
                align="center",
                width="100%",
            ),
            rx.el.ul(
                rx.foreach(NoticeFeed.items, _notice),
                style={
                    "display": "flex",
                    "flex_direction": "column",
                    "gap": "0.25em",
                    "overflow_y": "auto",
                    "max_height": "min(14vh, 7.5em)",
                    "margin": "0",
                    "padding": "0",
                },
            ),
            role="region",
            aria_label="Notices",
            aria_live="polite",
            style={
                "display": "flex",
                "flex_direction": "column",
                "gap": "0.25em",
                "flex_shrink": "0",
                "padding": "0.4em 1.5em",
                "border_bottom": "1px solid var(--gray-5)",
            },
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


def skip_link() -> rx.Component:
    """First in tab order, shown when focused: one Enter past the header and the notices."""
    return rx.el.a(
        "Skip to conversations",
        href=f"#{CONVERSATIONS_ID}",
        class_name="aw-skip",  # assets/workspace.js moves the focus without changing the URL
        style={
            **VISUALLY_HIDDEN,
            "z_index": "1000",
            "&:focus": {
                "width": "auto",
                "height": "auto",
                "clip": "auto",
                "top": "0.5em",
                "left": "0.5em",
                "padding": "0.5em 1em",
                "background": "var(--gray-1)",
                "color": "var(--gray-12)",
                "border": "2px solid var(--accent-9)",
                "border_radius": "6px",
            },
        },
    )


def workspace_page(*children: rx.Component, top: rx.Component | None = None) -> rx.Component:
    """Wraps a workspace page: content only for agents, a refusal for signed-in non-agents.

    The page is exactly the viewport high: the header and the notices take what they need and
    the panes the rest, so the composer at the bottom of the conversation stays on screen.
    """
    return rx.box(
        skip_link(),
        top or rx.fragment(),
        header(),
        notices(),
        rx.el.main(
            rx.cond(
                SessionState.denied_reason != "",
                refused_panel(),
                rx.cond(
                    SessionState.signed_in,
                    rx.box(*children, width="100%", height="100%"),
                    rx.center(rx.spinner(), padding="3em"),
                ),
            ),
            width="100%",
            flex="1",
            min_height="0",
        ),
        width="100%",
        height="100dvh",
        display="flex",
        flex_direction="column",
    )
