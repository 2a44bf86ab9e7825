"""The Compose SMS form (SPEC "Compose SMS")."""

from __future__ import annotations

import reflex as rx

from agent_workspace.components.forms import field, native_select
from agent_workspace.state.channel_feed import ChannelFeed
from agent_workspace.state.compose import OTHER, UPLOAD_ID, ComposeState


def compose_form() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Compose SMS", size="4"),
            field(
                "From",
                native_select(
                    "compose-from",
                    ComposeState.from_number,
                    ChannelFeed.numbers,
                    ComposeState.set_from,
                    "Choose a sending number",
                ),
                "compose-from",
            ),
            field(
                "To",
                native_select(
                    "compose-to",
                    ComposeState.to_choice,
                    ComposeState.to_options,
                    ComposeState.set_to_choice,
                    "Choose a number",
                ),
                "compose-to",
            ),
            rx.cond(
                ComposeState.to_choice == OTHER,
                rx.vstack(
                    field(
                        "Other number",
                        rx.input(
                            id="compose-other",
                            value=ComposeState.other_text,
                            on_change=ComposeState.set_other_text,
                            placeholder="e.g. (415) 555-0100 or +44 7400 123456",
                            width="100%",
                        ),
                        "compose-other",
                    ),
                    rx.cond(
                        ComposeState.other_e164 != "",
                        rx.text(
                            "Will send to ",
                            rx.code(ComposeState.other_e164),
                            size="2",
                            aria_label="Number in E.164",
                        ),
                    ),
                    rx.cond(
                        ComposeState.other_error != "",
                        rx.text(
                            ComposeState.other_error, size="2", color_scheme="red", role="alert"
                        ),
                    ),
                    width="100%",
                    spacing="1",
                ),
            ),
            field(
                "Message",
                rx.text_area(
                    id="compose-body",
                    value=ComposeState.body,
                    on_change=ComposeState.set_body,
                    rows="4",
                    width="100%",
                ),
                "compose-body",
            ),
            rx.text(
                ComposeState.counter,
                size="1",
                color_scheme=rx.cond(ComposeState.over_limit, "red", "gray"),
                aria_label="Characters left",
            ),
            rx.upload.root(
                rx.hstack(
                    rx.button("Attach File", type="button", variant="soft"),
                    rx.text(
                        rx.selected_files(UPLOAD_ID).join(", "),
                        size="2",
                        aria_label="Attached files",
                    ),
                    align="center",
                ),
                id=UPLOAD_ID,
                accept=ComposeState.accept,
                max_files=10,
                multiple=True,
                no_drag=True,
            ),
            rx.cond(
                ComposeState.preview != "", rx.text(ComposeState.preview, size="2", role="status")
            ),
            rx.cond(
                ComposeState.error != "",
                rx.callout(ComposeState.error, color_scheme="red", role="alert", width="100%"),
            ),
            rx.hstack(
                rx.button(
                    "Send",
                    on_click=ComposeState.send(rx.upload_files(upload_id=UPLOAD_ID)),
                ),
                rx.button(
                    "Cancel", on_click=ComposeState.close, variant="soft", color_scheme="gray"
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )
