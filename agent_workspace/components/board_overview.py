"""The supervisor board's overview: open, unassigned, waiting longest, breaching soon, and the
team under Available, Away and Offline with each agent's load against the capacity. Every
figure comes from the shared board feed (state/live.py SupervisorBoardFeed), pushed live."""

from __future__ import annotations

from typing import Any

import reflex as rx

from agent_workspace.components.forms import badge, once_loaded
from agent_workspace.state.live import SupervisorBoardFeed
from agent_workspace.state.views import TeamMemberItem


def _card(label: str, value: Any, *detail: rx.Component) -> rx.Component:
    """A figure of the overview: a group named by its label, so a reader hears both."""
    return rx.card(
        rx.text(label, size="2", color_scheme="gray"),
        rx.text(value, size="6", weight="bold", custom_attrs={"data-testid": "figure"}),
        *detail,
        role="group",
        aria_label=label,
        min_width="10em",
    )


def _waiting_card() -> rx.Component:
    overview = SupervisorBoardFeed.overview
    return _card(
        "Waiting longest",
        rx.cond(
            overview.waiting_id != 0,
            rx.moment(overview.waiting_since, from_now=True, interval=30_000),
            "Nobody",
        ),
        rx.cond(
            overview.waiting_id != 0,
            rx.text(
                rx.link(
                    overview.waiting_number,
                    href=f"/interactions/{overview.waiting_id}",
                    underline="always",
                ),
                " ",
                overview.waiting_phone,
                size="2",
            ),
            rx.text("No consumer waits for an answer.", size="2"),
        ),
    )


def _breaching_card(show: Any = None) -> rx.Component:
    """Open conversations whose nearest SLA clock is due soon or overdue, in words; `show`,
    the board's handler that filters its table to them."""
    overview = SupervisorBoardFeed.overview
    words: rx.Component = rx.text(overview.breaching_text, size="2", id="breaching-text")
    if show is not None:
        listed = rx.button("List them", size="1", variant="soft", on_click=show)
        words = rx.hstack(
            words, rx.cond(overview.breaching_soon > 0, listed), align="center", spacing="2"
        )
    return _card(
        "Breaching soon",
        rx.cond(overview.sla, overview.breaching_soon, "—"),
        rx.cond(overview.sla, words, rx.text("No SLA policy yet", size="2")),
    )


def _member(item: TeamMemberItem) -> rx.Component:
    return rx.el.li(
        rx.text(item.name, weight="medium", as_="span"),
        " ",
        rx.cond(
            item.full,
            badge(item.load, color_scheme="orange", size="1"),
            badge(item.load, color_scheme="gray", size="1"),
        ),
        " ",
        rx.text(item.status, size="1", color_scheme="gray", as_="span"),
    )


def _team(label: str, members: Any) -> rx.Component:
    return rx.box(
        rx.text(label, " (", members.length(), ")", weight="bold", size="2"),
        rx.cond(
            members.length() > 0,
            rx.el.ul(
                rx.foreach(members, _member),
                aria_label=f"{label} agents",
                style={"list_style": "none", "padding": 0, "margin": 0},
            ),
            rx.text("Nobody", size="2", color_scheme="gray"),
        ),
        min_width="12em",
    )


def overview_strip(show_breaching: Any = None) -> rx.Component:
    """The figures a supervisor reads first, live; README shows it (docs/board-overview.png).
    `show_breaching`: the board's handler that lists the conversations breaching soon.

    Until the board's load has read them, the feed holds its empty defaults ("No SLA policy
    yet", nobody waiting): "Loading the overview" holds their place instead."""
    overview = SupervisorBoardFeed.overview
    figures = rx.fragment(
        rx.hstack(
            _card("Open", overview.open, rx.text("active conversations", size="2")),
            _card(
                "Unassigned",
                overview.unassigned,
                rx.text(overview.queued, " with the virtual agent", size="2"),
            ),
            _waiting_card(),
            _breaching_card(show_breaching),
            spacing="3",
            wrap="wrap",
        ),
        rx.hstack(
            _team("Available", overview.available),
            _team("Away", overview.away),
            _team("Offline", overview.offline),
            spacing="6",
            wrap="wrap",
            margin_top="0.75em",
        ),
    )
    return rx.el.section(
        rx.heading("Overview", size="3", id="overview-heading"),
        once_loaded("the overview", figures),
        aria_labelledby="overview-heading",
        style={"width": "100%"},
    )
