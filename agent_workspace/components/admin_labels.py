"""Administration section: the labels agents put on interactions (a name and a colour)."""

from __future__ import annotations

import reflex as rx

from agent_workspace.components.forms import (
    badge,
    checked_field,
    checked_input,
    edit_delete_cell,
    error_callout,
    error_text,
    native_select,
)
from agent_workspace.components.layout import VISUALLY_HIDDEN
from agent_workspace.domain.labels import MAX_NAME
from agent_workspace.state.admin_labels import LabelsAdminState
from agent_workspace.state.live import LabelItem

L = LabelsAdminState


def _label_row(item: LabelItem) -> rx.Component:
    return rx.table.row(
        rx.table.cell(badge(item.name, color_scheme=item.colour, variant="soft")),
        rx.table.cell(item.colour),
        edit_delete_cell(L.edit(item.id), L.delete(item.id), "label " + item.name),
    )


def labels_section() -> rx.Component:
    return rx.vstack(
        rx.heading("Labels", size="4"),
        rx.text(
            "Agents put these on interactions and filter their list by them. Deleting a label "
            "takes it off every interaction.",
            size="2",
            color_scheme="gray",
        ),
        rx.table.root(
            rx.el.caption("Labels", style=VISUALLY_HIDDEN),
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell("Label"),
                    rx.table.column_header_cell("Colour"),
                    rx.table.column_header_cell(rx.el.span("Actions", style=VISUALLY_HIDDEN)),
                )
            ),
            rx.table.body(rx.foreach(L.labels, _label_row)),
            width="100%",
        ),
        rx.cond(L.labels.length() == 0, rx.text("No labels yet.", size="2", color_scheme="gray")),
        error_callout(L.error, width="100%"),
        rx.vstack(
            rx.heading(rx.cond(L.editing_id != 0, "Edit label", "New label"), size="3"),
            checked_field(
                f"Name (at most {MAX_NAME} characters)",
                checked_input("label-name", L.name, L.set_name, L.name_error),
                "label-name",
                L.name_error,
            ),
            rx.el.label("Colour", html_for="label-colour"),
            native_select("label-colour", L.colour, L.colours, L.set_colour, "Choose a colour"),
            error_text(L.colour_error),
            rx.hstack(
                rx.button("Save label", on_click=L.save),
                rx.cond(
                    L.editing_id != 0,
                    rx.button("Cancel", on_click=L.cancel, variant="soft", color_scheme="gray"),
                ),
                spacing="2",
            ),
            spacing="2",
            max_width="30em",
            width="100%",
        ),
        spacing="3",
        width="100%",
    )
