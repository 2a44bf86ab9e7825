"""Close interaction, from the conversation's header: asked first (a stray click or the `e`
shortcut must not end a conversation), then closed as complete for every viewer."""

from __future__ import annotations

import reflex as rx

from agent_workspace.components.shortcuts import CLOSE_ID, aria_keys
from agent_workspace.state.conversation_feed import ConversationFeed
from agent_workspace.state.interaction_page import InteractionPageState


def close_button() -> rx.Component:
    """The question lives in the browser alone: only the answer goes to the server."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                "Close interaction",
                variant="soft",
                color_scheme="gray",
                size="2",
                id=CLOSE_ID,
                aria_haspopup="dialog",
                aria_keyshortcuts=aria_keys(CLOSE_ID),
            )
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Close " + ConversationFeed.info.number + "?"),
            rx.alert_dialog.description(
                "It closes as complete for everyone and leaves the open list.",
                size="2",
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button("Close interaction", on_click=InteractionPageState.close_interaction)
                ),
                spacing="2",
                justify="end",
                margin_top="1em",
            ),
        ),
    )
