"""A scheduled message's line on its bubble: when it goes ("Scheduled for 08:00 their time
(Tue)"), with Edit (text and time) and Cancel until it goes (issue 26 item 3)."""

from __future__ import annotations

import reflex as rx

from agent_workspace.components.forms import error_text
from agent_workspace.state.conversation_feed import MessageItem
from agent_workspace.state.scheduled import ScheduledState


def _edit_form() -> rx.Component:
    state = ScheduledState
    return rx.vstack(
        rx.text_area(
            value=state.edit_body,
            on_change=state.set_edit_body,
            aria_label="Scheduled message",
            rows="2",
            width="100%",
        ),
        rx.hstack(
            rx.el.input(
                type="datetime-local",
                value=state.edit_time,
                on_change=state.set_edit_time,
                aria_label="Send at (their time)",
            ),
            rx.text("their time", size="1"),
            rx.button("Save", on_click=state.save_edit, size="1"),
            rx.button(
                "Keep as it was",
                on_click=state.stop_edit,
                size="1",
                variant="soft",
                color_scheme="gray",
            ),
            align="center",
            wrap="wrap",
        ),
        error_text(state.edit_error, size="1"),
        width="100%",
    )


def scheduled_line(message: rx.Var[MessageItem]) -> rx.Component:
    state = ScheduledState
    return rx.vstack(
        rx.hstack(
            rx.text(message.scheduled, size="1", color_scheme="blue", role="note"),
            rx.button(
                "Edit",
                on_click=state.start_edit(message.id),
                size="1",
                variant="ghost",
                aria_label="Edit the scheduled message",
            ),
            rx.button(
                "Cancel",
                on_click=state.cancel_message(message.id),
                size="1",
                variant="ghost",
                color_scheme="red",
                aria_label="Cancel the scheduled message",
            ),
            align="center",
            wrap="wrap",
        ),
        rx.cond(state.editing == message.id, _edit_form()),
        spacing="1",
    )
