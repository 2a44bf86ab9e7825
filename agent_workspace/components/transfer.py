"""Transfer, from the conversation's header: a dialog to choose an agent (each with how many
active interactions they hold) or Back to the queue, and the note that goes with it."""

from __future__ import annotations

import reflex as rx

from agent_workspace.components.forms import (
    confirm_callout,
    error_id,
    native_select,
    sent_at_once,
)
from agent_workspace.components.shortcuts import TRANSFER_ID, aria_keys
from agent_workspace.state.transfer import TransferState

T = TransferState


def transfer_button() -> rx.Component:
    return rx.button(
        "Transfer",
        on_click=T.open_transfer,
        variant="soft",
        size="2",
        aria_haspopup="dialog",
        id=TRANSFER_ID,
        aria_keyshortcuts=aria_keys(TRANSFER_ID),
    )


def _confirm() -> rx.Component:
    """Taking the conversation from another agent asks first, as Send and Save do."""
    return confirm_callout(T.transfer_confirm, "Transfer", T.transfer_confirmed, T.cancel_transfer)


def transfer_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Transfer " + T.transfer_number),
            rx.dialog.description(
                "Whoever takes it gets a notice, and your note stays in the conversation as an "
                "internal note.",
                size="2",
            ),
            rx.vstack(
                rx.el.label("Transfer to", html_for="transfer-to"),
                native_select(
                    "transfer-to",
                    T.transfer_to,
                    T.transfer_targets,
                    T.set_transfer_to,
                    "Choose an agent or the queue",
                ),
                rx.el.label("Note (why, and what is left to do)", html_for="transfer-note"),
                sent_at_once(
                    rx.text_area(
                        id="transfer-note",
                        value=T.transfer_note,
                        on_change=T.set_transfer_note,
                        rows="4",
                        width="100%",
                        required=True,
                        aria_describedby=error_id("transfer-note"),
                    )
                ),
                rx.text(
                    T.transfer_error,
                    id=error_id("transfer-note"),
                    color_scheme="red",
                    size="2",
                    role="status",
                ),
                _confirm(),
                rx.hstack(
                    rx.button("Transfer", on_click=T.transfer),
                    rx.button(
                        "Cancel", on_click=T.cancel_transfer, variant="soft", color_scheme="gray"
                    ),
                    spacing="2",
                ),
                spacing="2",
                margin_top="1em",
            ),
        ),
        open=T.transfer_open,
        on_open_change=lambda _: T.cancel_transfer(),
    )
