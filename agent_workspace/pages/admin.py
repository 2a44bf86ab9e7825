"""Administration: the SMS channel's numbers and its attachment policy."""

from __future__ import annotations

import reflex as rx

from agent_workspace.components.forms import field
from agent_workspace.components.layout import role_page
from agent_workspace.state.admin import AdminState, TypeOption

ROUTE = "/admin"


def _type_checkbox(option: TypeOption) -> rx.Component:
    return rx.checkbox(
        option.label,
        checked=option.allowed,
        on_change=lambda allowed: AdminState.set_type_allowed(option.value, allowed),
    )


def policy_form() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Attachment policy", size="4"),
            rx.text(
                "Agents may attach these types (checked from the file's bytes). Twilio delivers "
                "JPEG, PNG and GIF to every handset; other types depend on the carrier.",
                size="2",
                color_scheme="gray",
            ),
            rx.el.fieldset(
                rx.el.legend("Allowed types"),
                rx.grid(rx.foreach(AdminState.types, _type_checkbox), columns="2", spacing="2"),
                style={"border": "none", "padding": "0"},
            ),
            field(
                "Size limit for all files of a message (MB)",
                rx.input(id="max-mb", value=AdminState.max_mb, on_change=AdminState.set_max_mb),
                "max-mb",
            ),
            field(
                "Files per message",
                rx.input(
                    id="max-files", value=AdminState.max_files, on_change=AdminState.set_max_files
                ),
                "max-files",
            ),
            rx.cond(
                AdminState.error != "",
                rx.callout(AdminState.error, color_scheme="red", role="alert", width="100%"),
            ),
            rx.button("Save policy", on_click=AdminState.save),
            spacing="3",
            width="100%",
        ),
        max_width="46em",
    )


def admin_page() -> rx.Component:
    return role_page(
        AdminState.refusal,
        rx.vstack(
            rx.heading("Administration", size="5"),
            rx.text("Channel: ", rx.text.strong(AdminState.channel_name)),
            rx.text("Provider numbers: ", AdminState.provider_numbers.join(", ")),
            policy_form(),
            padding="1.5em",
            spacing="4",
        ),
    )
