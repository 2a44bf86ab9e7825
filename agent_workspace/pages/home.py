"""Agent Workspace Home: My Interactions."""

from __future__ import annotations

import reflex as rx

from agent_workspace.components.layout import VISUALLY_HIDDEN, workspace_page
from agent_workspace.state.interactions import MyInteractionsState
from agent_workspace.state.live import AgentListFeed
from agent_workspace.state.views import InteractionItem


def _row(item: InteractionItem) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(item.number, href=f"/interactions/{item.id}")),
        rx.table.cell(item.type),
        rx.table.cell(item.state),
        rx.table.cell(item.person_name),
        rx.table.cell(item.phone),
        rx.table.cell(item.assigned_to),
        rx.table.cell(item.updated),
    )


def my_interactions() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("My Interactions", size="5"),
            rx.spacer(),
            rx.checkbox(
                "Show closed",
                checked=MyInteractionsState.include_closed,
                on_change=MyInteractionsState.set_include_closed,
            ),
            rx.button("New", on_click=MyInteractionsState.new_interaction),
            width="100%",
            align="center",
        ),
        rx.cond(
            MyInteractionsState.error != "",
            rx.callout(MyInteractionsState.error, color_scheme="red", role="alert"),
        ),
        rx.table.root(
            rx.el.caption("My Interactions", style=VISUALLY_HIDDEN),
            rx.table.header(
                rx.table.row(
                    *[
                        rx.table.column_header_cell(title)
                        for title in (
                            "Number",
                            "Type",
                            "State",
                            "Person",
                            "Phone",
                            "Assigned to",
                            "Updated",
                        )
                    ]
                )
            ),
            rx.table.body(
                rx.foreach(AgentListFeed.items, _row),
                rx.foreach(MyInteractionsState.closed_items, _row),
            ),
            width="100%",
        ),
        rx.cond(
            AgentListFeed.items.length() + MyInteractionsState.closed_items.length() == 0,
            rx.text("No interactions yet.", color_scheme="gray"),
        ),
        width="100%",
        spacing="4",
    )


def home_page() -> rx.Component:
    return workspace_page(my_interactions())
