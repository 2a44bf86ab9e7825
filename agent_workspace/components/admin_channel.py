"""Administration sections for the SMS channel: provider numbers and the profile resolver."""

from __future__ import annotations

from typing import Any

import reflex as rx

from agent_workspace.components.forms import (
    VISUALLY_HIDDEN,
    checked_field,
    checked_input,
    error_callout,
)
from agent_workspace.state.admin_channel import (
    DEFAULT_CHOICE,
    NumberItem,
    NumbersAdminState,
    ResolverAdminState,
)
from agent_workspace.state.admin_setup import ChannelAdminState


def _number_row(item: NumberItem) -> rx.Component:
    return rx.table.row(
        rx.table.cell(item.shown),
        rx.table.cell(item.label),
        rx.table.cell(
            rx.button(
                "Remove",
                size="1",
                variant="soft",
                color_scheme="red",
                on_click=[NumbersAdminState.remove(item.id), ChannelAdminState.load()],
                aria_label=f"Remove {item.shown}",
            )
        ),
    )


def numbers_section() -> rx.Component:
    state = NumbersAdminState
    return rx.vstack(
        rx.heading("Provider numbers", size="4"),
        rx.text(
            "The numbers agents send from. Composers that are open get the change at once; "
            "the last number cannot be removed.",
            size="2",
            color_scheme="gray",
        ),
        rx.table.root(
            rx.el.caption("Provider numbers", style=VISUALLY_HIDDEN),
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell("Number"),
                    rx.table.column_header_cell("Label"),
                    rx.table.column_header_cell(rx.el.span("Actions", style=VISUALLY_HIDDEN)),
                )
            ),
            rx.table.body(rx.foreach(state.numbers, _number_row)),
            width="100%",
        ),
        error_callout(state.error, width="100%"),
        rx.el.form(
            rx.vstack(
                rx.heading("Add a number", size="3"),
                checked_field(
                    "Number (E.164, e.g. +1 415 555 0100)",
                    checked_input(
                        "new-number", state.new_number, state.set_new_number, state.number_error
                    ),
                    "new-number",
                    state.number_error,
                ),
                checked_field(
                    "Label (e.g. Support line)",
                    checked_input(
                        "new-label", state.new_label, state.set_new_label, state.label_error
                    ),
                    "new-label",
                    state.label_error,
                ),
                rx.button("Add number", type="submit"),
                spacing="2",
                width="100%",
            ),
            # The first number ticks a first step off (components/admin_setup.py).
            on_submit=lambda _: [state.add(), ChannelAdminState.load()],
            reset_on_submit=False,
            width="100%",
        ),
        spacing="3",
        max_width="46em",
        width="100%",
    )


def _resolver_option(value: Any, title: Any, description: Any) -> rx.Component:
    option_id = f"resolver-{value}"
    return rx.hstack(
        rx.el.input(
            type="radio",
            name="resolver",
            id=option_id,
            value=value,
            checked=ResolverAdminState.selected == value,
            on_change=lambda _: ResolverAdminState.select(value),
        ),
        rx.vstack(
            rx.el.label(title, html_for=option_id, style={"font_weight": "500"}),
            rx.text(description, size="2", color_scheme="gray"),
            spacing="0",
        ),
        align="start",
        spacing="2",
    )


def resolver_section() -> rx.Component:
    state = ResolverAdminState
    return rx.vstack(
        rx.heading("Profile resolver", size="4"),
        rx.text(
            "Decides whose a phone number is when agents send and texts come in. The choice "
            "applies to the next Send, with no restart.",
            size="2",
            color_scheme="gray",
        ),
        rx.el.fieldset(
            rx.el.legend("Installed resolvers"),
            rx.vstack(
                _resolver_option(
                    DEFAULT_CHOICE,
                    "The deployment's default (AW_PROFILE_RESOLVER: " + state.default_name + ")",
                    "Whatever the deployment configures; nothing chosen here.",
                ),
                rx.foreach(
                    state.installed,
                    lambda r: _resolver_option(r.name, r.name, r.description),
                ),
                spacing="3",
            ),
            style={"border": "none", "padding": "0"},
        ),
        error_callout(state.error, width="100%"),
        rx.button("Save resolver", on_click=state.save, disabled=state.selected == state.chosen),
        spacing="3",
        max_width="46em",
    )
