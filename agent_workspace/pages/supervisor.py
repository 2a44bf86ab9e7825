"""The supervisor's board: live active interactions, filters, per-agent load, waiting times,
Join / Leave / Reassign / Take over (confirmed), and each live group's history."""

from __future__ import annotations

from typing import Any

import reflex as rx

from agent_workspace.components.forms import badge, field, native_select
from agent_workspace.components.layout import VISUALLY_HIDDEN, role_page
from agent_workspace.state.live import SupervisorBoardFeed
from agent_workspace.state.supervisor import ANY, StayItem, SupervisorState
from agent_workspace.state.views import AgentLoadItem, BoardItem

ROUTE = "/supervisor"
COLUMNS = ("Number", "State", "Person", "Assigned to", "Live group", "Last message", "Waiting")
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


def _filters() -> rx.Component:
    return rx.hstack(
        field(
            "Agent",
            _select(
                "filter-agent",
                S.filter_agent,
                S.set_filter_agent,
                [rx.foreach(S.agents, lambda a: rx.el.option(a.label, value=a.value))],
            ),
            "filter-agent",
        ),
        field(
            "State",
            _select(
                "filter-state",
                S.filter_state,
                S.set_filter_state,
                [rx.el.option(label, value=value) for value, label in STATES],
            ),
            "filter-state",
        ),
        field(
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
        spacing="4",
        width="100%",
        max_width="48em",
    )


def _visible(item: BoardItem) -> Any:
    agent_ok = (S.filter_agent == ANY) | (item.agent_id.to_string() == S.filter_agent)
    state_ok = (S.filter_state == ANY) | (item.state_value == S.filter_state)
    virtual_ok = (
        (S.filter_virtual == ANY)
        | ((S.filter_virtual == "yes") & item.virtual_agent)
        | ((S.filter_virtual == "no") & ~item.virtual_agent)
    )
    return agent_ok & state_ok & virtual_ok


def _action(label: str, number: Any, on_click: Any, **props: Any) -> rx.Component:
    return rx.button(
        label, size="1", variant="soft", on_click=on_click, aria_label=f"{label} {number}", **props
    )


def _row(item: BoardItem) -> rx.Component:
    row = item.row
    return rx.cond(
        _visible(item),
        rx.table.row(
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
        ),
    )


def _load(item: AgentLoadItem) -> rx.Component:
    return rx.table.row(
        rx.table.cell(item.name), rx.table.cell(item.status), rx.table.cell(item.active)
    )


def _agents_table() -> rx.Component:
    return rx.table.root(
        rx.el.caption("Workload per agent", style=VISUALLY_HIDDEN),
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell("Agent"),
                rx.table.column_header_cell("Availability"),
                rx.table.column_header_cell("Active interactions"),
            )
        ),
        rx.table.body(rx.foreach(SupervisorBoardFeed.agents, _load)),
        max_width="30em",
    )


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
            _filters(),
            rx.heading("Agents", size="3"),
            _agents_table(),
            rx.heading("Interactions", size="3"),
            rx.table.root(
                rx.el.caption("Active interactions", style=VISUALLY_HIDDEN),
                rx.table.header(
                    rx.table.row(
                        *[rx.table.column_header_cell(c) for c in COLUMNS],
                        rx.table.column_header_cell(rx.el.span("Actions", style=VISUALLY_HIDDEN)),
                    )
                ),
                rx.table.body(rx.foreach(SupervisorBoardFeed.items, _row)),
                width="100%",
            ),
            _reassign_dialog(),
            _take_over_dialog(),
            _history_dialog(),
            padding="1.5em",
            spacing="4",
            width="100%",
        ),
    )
