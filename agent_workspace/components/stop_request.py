"""A text that reads like a request to stop texting, flagged on its bubble with a one-click
opt-out (asked first), and who opted the number out once someone did (issue 26 item 7).

Keywords (STOP and the rest) opt out by themselves; this is for the free text they miss.
"""

from __future__ import annotations

import reflex as rx

from agent_workspace.state.conversation_feed import ConversationFeed, MessageItem
from agent_workspace.state.interaction_page import InteractionPageState

FLAG = "This may be a request to stop texting."


def stop_request_flag(message: rx.Var[MessageItem]) -> rx.Component:
    return rx.hstack(
        rx.icon("hand", size=14, aria_hidden=True),
        rx.text(FLAG, size="1", weight="medium"),
        rx.cond(
            message.opted_out != "",
            rx.text(message.opted_out, size="1"),
            rx.button(
                "Opt out this number",
                on_click=InteractionPageState.ask_opt_out(message.id),
                size="1",
                variant="soft",
                color_scheme="orange",
                high_contrast=True,
            ),
        ),
        role="note",
        aria_label="Request to stop texting",
        align="center",
        wrap="wrap",
        spacing="2",
        color="var(--orange-12)",
        padding="0.25em 0.5em",
        border_radius="6px",
        background="var(--orange-3)",
    )


def opt_out_dialog() -> rx.Component:
    """Opting out cannot be undone by the agent (only the consumer's START): asked first."""
    state = InteractionPageState
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Opt out this number?"),
            rx.alert_dialog.description(
                "Texts to ",
                ConversationFeed.info.phone,
                " from the number they texted will be refused until they text START. "
                "The audit log records the opt-out as yours.",
                size="2",
            ),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button(
                        "Cancel", on_click=state.cancel_opt_out, variant="soft", color_scheme="gray"
                    )
                ),
                rx.alert_dialog.action(
                    rx.button("Opt out", on_click=state.opt_out_confirmed, color_scheme="red")
                ),
                spacing="2",
                justify="end",
                margin_top="1em",
            ),
        ),
        open=state.asking_opt_out,
    )
