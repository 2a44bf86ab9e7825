"""Administration section: service levels, the reply and resolution targets per channel and
label, counted in the channel's business hours when it keeps them."""

from __future__ import annotations

from typing import Any

import reflex as rx

from agent_workspace.components.forms import (
    checked_field,
    checked_input,
    edit_delete_cell,
    error_callout,
    error_text,
    native_select,
)
from agent_workspace.components.layout import VISUALLY_HIDDEN
from agent_workspace.domain.sla_text import EXAMPLES
from agent_workspace.state.admin_sla import PolicyItem, SlaAdminState

S = SlaAdminState


def _policy_row(item: PolicyItem) -> rx.Component:
    return rx.table.row(
        rx.table.cell(item.applies_to),
        rx.table.cell(item.first_response),
        rx.table.cell(item.next_response),
        rx.table.cell(item.resolution),
        rx.table.cell(
            rx.hstack(
                rx.button(
                    "Up",
                    size="1",
                    variant="soft",
                    on_click=S.move(item.id, True),
                    aria_label="Move up " + item.applies_to,
                ),
                rx.button(
                    "Down",
                    size="1",
                    variant="soft",
                    on_click=S.move(item.id, False),
                    aria_label="Move down " + item.applies_to,
                ),
                spacing="2",
            )
        ),
        edit_delete_cell(S.edit(item.id), S.delete(item.id), "service level " + item.applies_to),
    )


def _target(id_: str, label: str, value: Any, on_change: Any, error: Any) -> rx.Component:
    return checked_field(
        label, checked_input(id_, value, on_change, error, placeholder="e.g. 15m"), id_, error
    )


def sla_section() -> rx.Component:
    return rx.vstack(
        rx.heading("Service levels", size="4"),
        rx.text(
            "Targets for the first reply to a consumer, each later reply, and resolving the "
            "conversation. A conversation follows the first policy below for one of its labels, "
            "else the policy for every conversation. With business hours set (SMS channel tab) "
            "only open hours count; a text after hours starts the clock at opening.",
            size="2",
            color_scheme="gray",
        ),
        rx.table.root(
            rx.el.caption("Service levels", style=VISUALLY_HIDDEN),
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell("Applies to"),
                    rx.table.column_header_cell("First response"),
                    rx.table.column_header_cell("Next response"),
                    rx.table.column_header_cell("Resolution"),
                    rx.table.column_header_cell("Order"),
                    rx.table.column_header_cell(rx.el.span("Actions", style=VISUALLY_HIDDEN)),
                )
            ),
            rx.table.body(rx.foreach(S.policies, _policy_row)),
            width="100%",
        ),
        rx.cond(
            S.policies.length() == 0,
            rx.text("No service levels yet.", size="2", color_scheme="gray"),
        ),
        error_callout(S.error, width="100%"),
        rx.vstack(
            rx.heading(
                rx.cond(S.editing_id != 0, "Edit service level", "New service level"), size="3"
            ),
            rx.el.label("Applies to", html_for="sla-label"),
            native_select("sla-label", S.label_id, S.label_options, S.set_label_id, "Applies to"),
            error_text(S.label_error),
            rx.text(f"Write targets as {EXAMPLES}; leave one blank not to measure it.", size="2"),
            _target(
                "sla-first",
                "First response target",
                S.first_response,
                S.set_first_response,
                S.first_response_error,
            ),
            _target(
                "sla-next",
                "Next response target",
                S.next_response,
                S.set_next_response,
                S.next_response_error,
            ),
            _target(
                "sla-resolution",
                "Resolution target",
                S.resolution,
                S.set_resolution,
                S.resolution_error,
            ),
            rx.hstack(
                rx.button("Save service level", on_click=S.save),
                rx.cond(
                    S.editing_id != 0,
                    rx.button("Cancel", on_click=S.cancel, variant="soft", color_scheme="gray"),
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
