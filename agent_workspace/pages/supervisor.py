"""The supervisor's board: the live overview (open, unassigned, waiting longest, breaching
soon, the team by availability with their load), then the active interactions a page at a
time, filtered on the server, with Join / Leave / Reassign / Take over (confirmed) and each
live group's history."""

from __future__ import annotations

from typing import Any

import reflex as rx

from agent_workspace.components.board_overview import overview_strip
from agent_workspace.components.forms import VISUALLY_HIDDEN, badge, field, native_select
from agent_workspace.components.layout import role_page
from agent_workspace.components.sla import sla_badge, sla_timer
from agent_workspace.state.live import SupervisorBoardFeed
from agent_workspace.state.supervisor import ANY, StayItem, SupervisorState
from agent_workspace.state.views import BoardItem

ROUTE = "/supervisor"
COLUMNS = (
    "Number",
    "State",
    "Person",
    "Assigned to",
    "Live group",
    "Last message",
    "Waiting",
    "SLA",
)
S = SupervisorState
STATES = (("new", "New"), ("work_in_progress", "Work in progress"), ("on_hold", "On hold"))


def _select(id_: str, value: Any, on_change: Any, options: Any) -> rx.Component:
    return rx.el.select(
        rx.el.option("Any", value=ANY),
        *options,
        id=id_,
        value=value,
        on_change=on_change,
        style={"padding": "0.4em", "border_radius": "6px", "border": "1px solid var(--gray-7)"},
    )


def _field(label: str, control: rx.Component, html_for: str) -> rx.Component:
    """A filter as wide as its control: the row of filters wraps on a narrow screen."""
    return rx.box(field(label, control, html_for), width="auto")


def _filters() -> rx.Component:
    return rx.hstack(
        _field(
            "Agent",
            _select(
                "filter-agent",
                S.filter_agent,
                S.set_filter_agent,
                [rx.foreach(S.agents, lambda a: rx.el.option(a.label, value=a.value))],
            ),
            "filter-agent",
        ),
        _field(
            "State",
            _select(
                "filter-state",
                S.filter_state,
                S.set_filter_state,
                [rx.el.option(label, value=value) for value, label in STATES],
            ),
            "filter-state",
        ),
        _field(
            "Virtual agent",
            _select(
                "filter-virtual",
                S.filter_virtual,
                S.set_filter_virtual,
                [
                    rx.el.option("Only the virtual agent's", value="yes"),
                    rx.el.option("Only agents'", value="no"),
                ],
            ),
            "filter-virtual",
        ),
        _field(
            "Channel",
            _select(
                "filter-channel",
                S.filter_channel,
                S.set_filter_channel,
                [rx.foreach(S.channels, lambda c: rx.el.option(c.label, value=c.value))],
            ),
            "filter-channel",
        ),
        _field(
            "SLA",
            _select(
                "filter-sla",
                S.filter_sla,
                S.set_filter_sla,
                [rx.el.option("Breaching soon (due soon or overdue)", value="breaching")],
            ),
            "filter-sla",
        ),
        _field(
            "Find",
            rx.input(
                id="filter-text",
                value=S.filter_text,
                on_change=S.set_filter_text.debounce(300),
                placeholder="Number, name, phone or text",
                type="search",
            ),
            "filter-text",
        ),
        spacing="4",
        width="100%",
        wrap="wrap",
    )


def _action(label: str, number: Any, on_click: Any, **props: Any) -> rx.Component:
    return rx.button(
        label, size="1", variant="soft", on_click=on_click, aria_label=f"{label} {number}", **props
    )


def _row(item: BoardItem) -> rx.Component:
    row = item.row
    return rx.table.row(
        rx.table.cell(rx.link(row.number, href=f"/interactions/{row.id}")),
        rx.table.cell(row.state),
        rx.table.cell(row.person_name),
        rx.table.cell(row.assigned_to),
        rx.table.cell(item.live_group),
        rx.table.cell(
            rx.text(item.last_message, size="2"),
            rx.cond(item.scheduled, badge("Scheduled", color_scheme="blue", size="1")),
        ),
        rx.table.cell(
            rx.cond(
                item.waiting_since != "",
                rx.moment(item.waiting_since, from_now=True, interval=30_000),
                "—",
            )
        ),
        rx.table.cell(sla_badge(item.sla_text, item.sla_status)),
        rx.table.cell(
            rx.hstack(
                _action("Join", row.number, S.join(row.id)),
                _action("Leave", row.number, S.leave(row.id)),
                _action("Reassign", row.number, S.start_reassign(row.id, row.number)),
                _action("Take over", row.number, S.start_take_over(row.id, row.number)),
                _action("History", row.number, S.show_history(row.id, row.number)),
                spacing="1",
                wrap="wrap",
            )
        ),
    )


def _pager() -> rx.Component:
    return rx.hstack(
        rx.button(
            "Previous page",
            on_click=S.previous_page,
            disabled=~S.has_previous,
            size="1",
            variant="soft",
        ),
        rx.text(S.page_text, size="2", aria_live="polite", id="board-page"),
        rx.button(
            "Next page", on_click=S.next_page, disabled=~S.has_next, size="1", variant="soft"
        ),
        align="center",
        spacing="3",
    )


def _feed_trigger() -> rx.Component:
    """Remounts with the feed's version: the tab reads its page again."""
    version = SupervisorBoardFeed.version
    return rx.box(rx.el.span(on_mount=S.feed_changed(version)), key=version, display="none")


def _reassign_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Reassign " + S.reassign_number),
            rx.dialog.description(
                "The new agent joins its live group; both agents get a notice.", size="2"
            ),
            rx.vstack(
                rx.el.label("Reassign to", html_for="reassign-to"),
                native_select(
                    "reassign-to", S.reassign_to, S.agents, S.set_reassign_to, "Choose an agent"
                ),
                rx.text(
                    S.reassign_error,
                    id="reassign-error",
                    color_scheme="red",
                    size="2",
                    role="status",
                ),
                rx.hstack(
                    rx.button("Reassign", on_click=S.reassign),
                    rx.button(
                        "Cancel", on_click=S.close_dialogs, variant="soft", color_scheme="gray"
                    ),
                    spacing="2",
                ),
                spacing="2",
                margin_top="1em",
            ),
        ),
        open=S.reassign_id != 0,
        on_open_change=lambda _: S.close_dialogs(),
    )


def _take_over_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Take over " + S.takeover_number + "?"),
            rx.alert_dialog.description(
                "It will be assigned to you, and the agent who has it now gets a notice.",
                size="2",
            ),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button(
                        "Cancel", variant="soft", color_scheme="gray", on_click=S.close_dialogs
                    )
                ),
                rx.alert_dialog.action(rx.button("Take over", on_click=S.take_over)),
                spacing="2",
                margin_top="1em",
                justify="end",
            ),
        ),
        open=S.takeover_id != 0,
    )


def _stay(item: StayItem) -> rx.Component:
    return rx.table.row(
        rx.table.cell(item.agent),
        rx.table.cell(item.joined),
        rx.table.cell(item.join_reason),
        rx.table.cell(item.left),
        rx.table.cell(item.left_reason),
    )


def _history_dialog() -> rx.Component:
    headers = ("Agent", "Joined", "Why", "Left", "Why")
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Live group history of " + S.history_number),
            rx.dialog.description("Who joined and left, when, and why.", size="2"),
            rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
                rx.table.body(rx.foreach(S.history, _stay)),
                width="100%",
            ),
            rx.button("Close", on_click=S.close_dialogs, variant="soft", margin_top="1em"),
            max_width="50em",
        ),
        open=S.history_number != "",
        on_open_change=lambda _: S.close_dialogs(),
    )


def supervisor_page() -> rx.Component:
    return role_page(
        S.refusal,
        rx.vstack(
            rx.heading("Supervisor board", size="5"),
            rx.text("Active interactions and who is working on them, updated live.", size="2"),
            overview_strip(S.show_breaching),
            rx.heading("Interactions", size="3"),
            _filters(),
            rx.text(S.filter_error, color_scheme="red", size="2", role="status"),
            rx.table.root(
                rx.el.caption("Active interactions", style=VISUALLY_HIDDEN),
                rx.table.header(
                    rx.table.row(
                        *[rx.table.column_header_cell(c) for c in COLUMNS],
                        rx.table.column_header_cell(rx.el.span("Actions", style=VISUALLY_HIDDEN)),
                    )
                ),
                rx.table.body(rx.foreach(S.items, _row)),
                width="100%",
            ),
            _pager(),
            _feed_trigger(),
            rx.cond(S.sla_ticking, sla_timer(S.tick_sla)),
            _reassign_dialog(),
            _take_over_dialog(),
            _history_dialog(),
            padding="1.5em",
            spacing="4",
            width="100%",
        ),
    )
