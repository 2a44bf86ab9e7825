"""The one-page Agent Workspace: the list, the open conversation with its composer, and the
Details tab with the person's panel. Opening an interaction changes the URL without reloading
(`/interactions/<id>`); on a narrow screen one pane shows at a time."""

from __future__ import annotations

import reflex as rx

from agent_workspace.components.conversation import conversation_pane
from agent_workspace.components.details import details_pane
from agent_workspace.components.inbox import list_pane
from agent_workspace.components.layout import workspace_page
from agent_workspace.components.new_interaction import new_interaction_dialog
from agent_workspace.components.outage import outage_banner
from agent_workspace.components.shortcuts import keymap
from agent_workspace.state.conversation_feed import ConversationFeed
from agent_workspace.state.interaction_page import InteractionPageState

ROUTE = "/interactions/[interaction]"
PANE = {"height": "100%", "min_height": "0", "overflow_y": "auto", "padding": "1em"}


def _shown(pane: str, wide: str) -> object:
    """On narrow screens only the chosen pane; from `wide` up, all of them."""
    here = InteractionPageState.pane == pane
    return rx.breakpoints(initial=rx.cond(here, "block", "none"), **{wide: "block"})


def _conversation() -> rx.Component:
    return rx.cond(
        InteractionPageState.load_error != "",
        rx.callout(
            InteractionPageState.load_error,
            color_scheme="red",
            role="alert",
            # The conversation the URL names has come, as a refusal: keys stop waiting for it.
            custom_attrs={"data-aw-conversation": InteractionPageState.interaction_id},
        ),
        rx.cond(
            (ConversationFeed.info.id == InteractionPageState.interaction_id)
            & (InteractionPageState.interaction_id != 0),
            conversation_pane(),
            rx.center(
                rx.text("Open an interaction from the list.", color_scheme="gray"),
                height="100%",
            ),
        ),
    )


def workspace() -> rx.Component:
    return _workspace()


def _workspace() -> rx.Component:
    open_one = InteractionPageState.interaction_id != 0
    return workspace_page(
        rx.grid(
            rx.box(
                list_pane(),
                style=PANE,
                border_right="1px solid var(--gray-5)",
                display=_shown("list", "md"),
            ),
            rx.box(
                _conversation(),
                style={**PANE, "display_flex": True},
                display=_shown("conversation", "md"),
            ),
            rx.box(
                rx.cond(open_one, details_pane()),
                style=PANE,
                border_left="1px solid var(--gray-5)",
                display=_shown("details", "lg"),
            ),
            grid_template_columns=rx.breakpoints(
                # minmax(0, …): a long line in a pane wraps; it never widens the page past the
                # screen (which pushed Send off a phone's right edge).
                initial="minmax(0, 1fr)",
                md="320px minmax(0, 1fr)",
                lg="340px minmax(0, 1fr) 340px",
            ),
            grid_template_rows="minmax(0, 1fr)",
            width="100%",
            height="100%",
        ),
        new_interaction_dialog(),
        keymap(),
        top=outage_banner(),
    )
