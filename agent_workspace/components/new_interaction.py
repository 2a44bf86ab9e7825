"""The New button's dialog: an interaction (phone, chat, email) about a person, found by name or
number or created right there, assigned to the agent who creates it; messaging interactions
start with Send."""

from __future__ import annotations

import reflex as rx

from agent_workspace.components.forms import error_callout, field, native_select
from agent_workspace.components.person_form import person_form
from agent_workspace.services.interactions.lifecycle import NEW_TYPES
from agent_workspace.state.interactions import MyInteractionsState
from agent_workspace.state.person_form import NEW, PersonFormState
from agent_workspace.state.views import Choice

TYPE_CHOICES = [Choice(t.value, t.value.capitalize()) for t in NEW_TYPES]


def new_interaction_dialog() -> rx.Component:
    state = MyInteractionsState
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("New interaction"),
            rx.vstack(
                field(
                    "Find a person (name or number)",
                    rx.input(
                        id="new-find",
                        value=state.new_query,
                        on_change=state.find_person.debounce(250),
                        width="100%",
                    ),
                    "new-find",
                ),
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
                rx.cond(
                    PersonFormState.purpose == NEW,
                    person_form("Add a person"),
                    rx.button(
                        "Add a person",
                        on_click=PersonFormState.start_new,
                        variant="soft",
                        size="2",
                    ),
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
                error_callout(state.new_error, width="100%"),
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
