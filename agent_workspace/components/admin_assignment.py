"""Administration section for the SMS channel's automatic assignment (issue 27 item 2)."""

from __future__ import annotations

import reflex as rx

from agent_workspace.components.forms import error_text, field
from agent_workspace.state.admin_assignment import AssignmentAdminState


def assignment_section() -> rx.Component:
    state = AssignmentAdminState
    return rx.vstack(
        rx.heading("Automatic assignment", size="4"),
        rx.text(
            "A text that starts a new conversation goes to an agent whose status is Available, "
            "in turn (whoever was given one longest ago first), while they have fewer open "
            "conversations than the limit. When nobody can take it, it waits in the virtual "
            "agent's queue and goes, oldest first, to the next agent who turns Available.",
            size="2",
            color_scheme="gray",
        ),
        rx.checkbox(
            "Assign new conversations automatically",
            checked=state.enabled,
            on_change=state.set_enabled,
        ),
        field(
            "Open conversations per agent, at most",
            rx.input(id="assign-capacity", value=state.capacity, on_change=state.set_capacity),
            "assign-capacity",
        ),
        error_text(state.problem, size="1", when=state.problem != ""),
        error_text(state.error, size="1", when=state.error != ""),
        rx.button("Save assignment", on_click=state.save),
        spacing="3",
        max_width="46em",
    )
