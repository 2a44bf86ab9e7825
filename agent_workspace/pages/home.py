"""Agent Workspace Home: My Interactions."""

from __future__ import annotations

import reflex as rx

from agent_workspace.components.forms import field, native_select
from agent_workspace.components.layout import VISUALLY_HIDDEN, workspace_page
from agent_workspace.services.interactions.lifecycle import NEW_TYPES
from agent_workspace.state.interactions import MyInteractionsState
from agent_workspace.state.live import AgentListFeed
from agent_workspace.state.views import Choice, InteractionItem

TYPE_CHOICES = [Choice(t.value, t.value.capitalize()) for t in NEW_TYPES]


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
            rx.button("New", on_click=MyInteractionsState.open_new),
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


def new_interaction_dialog() -> rx.Component:
    state = MyInteractionsState
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("New interaction"),
            rx.vstack(
                field(
                    "Consumer or contact",
                    native_select(
                        "new-person",
                        state.new_person,
                        state.people,
                        state.set_new_person,
                        "Choose a person",
                    ),
                    "new-person",
                ),
                field(
                    "Type",
                    native_select(
                        "new-type",
                        state.new_type,
                        TYPE_CHOICES,
                        state.set_new_type,
                        "Choose a type",
                    ),
                    "new-type",
                ),
                field(
                    "Short description",
                    rx.input(
                        id="new-description",
                        value=state.new_description,
                        on_change=state.set_new_description,
                        width="100%",
                    ),
                    "new-description",
                ),
                rx.cond(
                    state.new_error != "",
                    rx.callout(state.new_error, color_scheme="red", role="alert", width="100%"),
                ),
                rx.hstack(
                    rx.button("Create", on_click=state.create_new),
                    rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray")),
                ),
                spacing="3",
            ),
        ),
        open=state.new_open,
        on_open_change=state.set_new_open,
    )


def home_page() -> rx.Component:
    return workspace_page(my_interactions(), new_interaction_dialog())
