"""The supervisor's board: which agents are in which conversation, live, with take-over."""

from __future__ import annotations

import reflex as rx

from agent_workspace.components.layout import VISUALLY_HIDDEN, role_page
from agent_workspace.state.live import SupervisorBoardFeed
from agent_workspace.state.supervisor import SupervisorState
from agent_workspace.state.views import BoardItem

ROUTE = "/supervisor"
COLUMNS = ("Number", "Type", "State", "Person", "Assigned to", "Live group", "Last message", "")


def _row(item: BoardItem) -> rx.Component:
    row = item.row
    return rx.table.row(
        rx.table.cell(rx.link(row.number, href=f"/interactions/{row.id}")),
        rx.table.cell(row.type),
        rx.table.cell(row.state),
        rx.table.cell(row.person_name),
        rx.table.cell(row.assigned_to),
        rx.table.cell(item.live_group),
        rx.table.cell(rx.text(item.last_message, size="2", color_scheme="gray")),
        rx.table.cell(
            rx.button(
                "Take over",
                size="1",
                variant="soft",
                on_click=SupervisorState.take_over(row.id),
                aria_label=f"Take over {row.number}",
            )
        ),
    )


def supervisor_page() -> rx.Component:
    return role_page(
        SupervisorState.refusal,
        rx.vstack(
            rx.heading("Supervisor board", size="5"),
            rx.text("Active interactions and who is working on them, updated live.", size="2"),
            rx.table.root(
                rx.el.caption("Active interactions", style=VISUALLY_HIDDEN),
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(c) for c in COLUMNS])),
                rx.table.body(rx.foreach(SupervisorBoardFeed.items, _row)),
                width="100%",
            ),
            padding="1.5em",
            spacing="4",
            width="100%",
        ),
    )
