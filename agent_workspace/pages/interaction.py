"""The interaction form: details, live conversation, and Compose SMS."""

from __future__ import annotations

from typing import Any

import reflex as rx

from agent_workspace.components.compose import compose_form
from agent_workspace.components.conversation import conversation_panel
from agent_workspace.components.layout import workspace_page
from agent_workspace.components.transcript import export_transcript_menu
from agent_workspace.state.compose import ComposeState
from agent_workspace.state.interaction_page import InteractionPageState
from agent_workspace.state.live import ConversationFeed

ROUTE = "/interactions/[interaction]"


def _detail(label: str, value: Any) -> rx.Component:
    return rx.data_list.item(rx.data_list.label(label), rx.data_list.value(value))


def details_card() -> rx.Component:
    info = ConversationFeed.info
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(info.number, size="6"),
                rx.badge(info.state, aria_label="State"),
                rx.badge(info.type, variant="outline"),
                align="center",
                spacing="3",
            ),
            rx.heading("Details", size="3"),
            rx.data_list.root(
                _detail("Person", info.person_name),
                _detail("Account", info.account),
                _detail("Phone", info.phone),
                _detail("Assigned to", info.assigned_to),
                _detail("Live group", info.members),
                _detail("Short description", info.short_description),
            ),
            rx.hstack(
                rx.cond(
                    ComposeState.is_open,
                    rx.fragment(),
                    rx.button("Compose SMS", on_click=ComposeState.start),
                ),
                rx.cond(
                    info.active,
                    rx.button(
                        "Close interaction",
                        on_click=InteractionPageState.close_interaction,
                        variant="soft",
                        color_scheme="gray",
                    ),
                ),
                export_transcript_menu(),
                spacing="3",
            ),
            spacing="3",
        ),
        width="100%",
    )


def _page_body() -> rx.Component:
    return rx.grid(
        rx.vstack(details_card(), rx.cond(ComposeState.is_open, compose_form()), width="100%"),
        rx.card(conversation_panel(), width="100%"),
        columns=rx.breakpoints(initial="1", md="2"),
        spacing="4",
        width="100%",
    )


def interaction_page() -> rx.Component:
    return workspace_page(
        rx.cond(
            InteractionPageState.load_error != "",
            rx.callout(InteractionPageState.load_error, color_scheme="red", role="alert"),
            rx.cond(
                (ConversationFeed.info.id == InteractionPageState.interaction_id)
                & (InteractionPageState.interaction_id != 0),
                _page_body(),
                rx.center(rx.spinner(), padding="3em"),
            ),
        ),
        rx.link("← My Interactions", href="/", margin_top="1em", display="inline-block"),
    )
