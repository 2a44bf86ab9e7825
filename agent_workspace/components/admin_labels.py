"""Administration section: the labels agents put on interactions (a name and a colour)."""

from __future__ import annotations

import reflex as rx

from agent_workspace.components.forms import (
    badge,
    checked_field,
    checked_input,
    edit_delete_cell,
    error_text,
    native_select,
    row_table,
)
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
    return row_table(
        L,
        heading="Labels",
        intro="Agents put these on interactions and filter their list by them. Deleting a label "
        "takes it off every interaction.",
        caption="Labels",
        headers=("Label", "Colour"),
        rows=L.labels,
        row=_label_row,
        empty="No labels yet.",
        noun="label",
        fields=(
            checked_field(
                f"Name (at most {MAX_NAME} characters)",
                checked_input("label-name", L.name, L.set_name, L.name_error),
                "label-name",
                L.name_error,
            ),
            rx.el.label("Colour", html_for="label-colour"),
            native_select("label-colour", L.colour, L.colours, L.set_colour, "Choose a colour"),
            error_text(L.colour_error),
        ),
    )
