"""Administration, Import people tab (state/admin_import.py)."""

from __future__ import annotations

import reflex as rx

from agent_workspace.components.forms import VISUALLY_HIDDEN, error_callout, field
from agent_workspace.domain.people_csv import TARGETS
from agent_workspace.state.admin_import import (
    CLI_HINT,
    UI_MAX_BYTES,
    ImportAdminState,
    RefusalItem,
)

SELECT_STYLE = {"width": "100%", "padding": "0.45em", "border_radius": "6px"}


def _column_select(target: str, label: str) -> rx.Component:
    state = ImportAdminState
    html_for = f"import-map-{target.replace('_', '-')}"
    return field(
        label,
        rx.el.select(
            rx.el.option("— not imported —", value=""),
            rx.foreach(state.headers, lambda h: rx.el.option(h, value=h)),
            id=html_for,
            value=state.mapping.get(target, ""),
            on_change=lambda column: state.set_mapping(target, column),
            style=SELECT_STYLE,
        ),
        html_for,
    )


def _refusal_row(item: RefusalItem) -> rx.Component:
    return rx.table.row(rx.table.cell(item.row), rx.table.cell(item.reason))


def _report() -> rx.Component:
    state = ImportAdminState
    return rx.vstack(
        rx.cond(
            state.summary != "",
            rx.callout(
                state.summary,
                color_scheme=rx.cond(state.refusals.length() > 0, "red", "green"),
                role="status",
                width="100%",
            ),
        ),
        rx.cond(
            state.refusals.length() > 0,
            rx.table.root(
                rx.el.caption("Refused rows", style=VISUALLY_HIDDEN),
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell("Row"),
                        rx.table.column_header_cell("Why it was refused"),
                    )
                ),
                rx.table.body(rx.foreach(state.refusals, _refusal_row)),
                width="100%",
            ),
        ),
        rx.cond(
            state.more_refused > 0,
            rx.text(
                "and ",
                state.more_refused,
                f" more rows: the whole report is printed by {CLI_HINT}",
                size="2",
            ),
        ),
        width="100%",
    )


def import_section() -> rx.Component:
    state = ImportAdminState
    return rx.vstack(
        rx.heading("Import people", size="4"),
        rx.text(
            "A CSV file (comma, semicolon or tab separated, UTF-8) whose first row names the "
            "columns. All or nothing: every row is checked as the person form checks it; if any "
            "row is refused, nothing is imported and each refused row is listed with the reason. "
            "A row whose number or e-mail is a known person's updates that person (a blank "
            "cell keeps what is stored). A row with an account is a contact at that account.",
            size="2",
            color_scheme="gray",
        ),
        rx.text(
            f"This page takes files up to {UI_MAX_BYTES // 1000:,} KB (about 10,000 people); "
            f"larger ones: {CLI_HINT}.",
            size="2",
            color_scheme="gray",
        ),
        field(
            "CSV file",
            rx.el.input(
                type="file",
                id="import-file",
                accept=".csv,text/csv,text/plain",
                on_change=ImportAdminState.file_chosen,
            ),
            "import-file",
        ),
        rx.cond(state.file_name != "", rx.text("File: ", rx.text.strong(state.file_name))),
        rx.cond(
            state.headers.length() > 0,
            rx.el.fieldset(
                rx.el.legend("Which column holds each field"),
                rx.grid(
                    *[_column_select(target, label) for target, label in TARGETS],
                    columns="2",
                    spacing="3",
                    width="100%",
                ),
                style={"border": "none", "padding": "0", "width": "100%"},
            ),
        ),
        error_callout(state.error, width="100%"),
        rx.button("Import", on_click=state.start_import, disabled=state.headers.length() == 0),
        _report(),
        spacing="3",
        max_width="46em",
        width="100%",
    )
