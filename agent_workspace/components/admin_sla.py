"""Administration section: service levels, the reply and resolution targets per channel and
label, counted in the channel's business hours when it keeps them."""

from __future__ import annotations

from typing import Any

import reflex as rx

from agent_workspace.components.forms import (
    checked_field,
    checked_input,
    edit_delete_cell,
    error_text,
    native_select,
    row_table,
)
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
    return row_table(
        S,
        heading="Service levels",
        intro="Targets for the first reply to a consumer, each later reply, and resolving the "
        "conversation. A conversation follows the first policy below for one of its labels, "
        "else the policy for every conversation. With business hours set (SMS channel tab) "
        "only open hours count; a text after hours starts the clock at opening.",
        caption="Service levels",
        headers=("Applies to", "First response", "Next response", "Resolution", "Order"),
        rows=S.policies,
        row=_policy_row,
        empty="No service levels yet.",
        noun="service level",
        fields=(
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
        ),
    )
