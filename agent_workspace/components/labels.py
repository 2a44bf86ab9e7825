"""The labels in a conversation's header: coloured badges, each with a remove button, and an
"Add label" select of the labels it does not carry yet."""

from __future__ import annotations

import reflex as rx

from agent_workspace.components.forms import VISUALLY_HIDDEN, badge, error_text, native_select
from agent_workspace.state.conversation_feed import ConversationFeed
from agent_workspace.state.labels import LabelsState
from agent_workspace.state.live import LabelItem


def _label(item: LabelItem) -> rx.Component:
    return rx.el.li(
        badge(
            item.name,
            rx.el.button(
                "\u00d7",  # a multiplication sign: the remove mark
                on_click=LabelsState.remove_label(item.id),
                aria_label="Remove label " + item.name,
                style={
                    "background": "none",
                    "border": "none",
                    "cursor": "pointer",
                    "padding": "0 0 0 0.25em",
                    "color": "inherit",
                    "font": "inherit",
                },
            ),
            color_scheme=item.colour,
            variant="soft",
            size="2",
        ),
        list_style="none",
    )


def labels_bar() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.el.ul(
                rx.foreach(LabelsState.labels, _label),
                aria_label="Labels",
                style={"display": "flex", "gap": "0.4em", "padding": "0", "margin": "0"},
            ),
            rx.cond(
                LabelsState.label_choices.length() > 0,
                rx.box(
                    native_select(
                        "add-label",
                        "",
                        LabelsState.label_choices,
                        LabelsState.add_label,
                        "Add label",
                    ),
                    rx.el.label("Add label", html_for="add-label", style=VISUALLY_HIDDEN),
                    width="10em",
                ),
            ),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        error_text(LabelsState.labels_error, size="1"),
        # A label added elsewhere, renamed or deleted: the header shows it at once.
        rx.box(
            rx.el.span(on_mount=LabelsState.follow(ConversationFeed.details)),
            key=ConversationFeed.details,
            display="none",
        ),
        spacing="1",
    )
