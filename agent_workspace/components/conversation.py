"""The conversation panel: messages as bubbles with delivery status and attachments."""

from __future__ import annotations

import reflex as rx

from agent_workspace.state.interaction_page import InteractionPageState
from agent_workspace.state.live import ConversationFeed
from agent_workspace.state.views import AttachmentItem, MessageItem

STATUS_COLORS = {
    "queued": "gray",
    "sending": "gray",
    "sent": "blue",
    "delivered": "green",
    "undelivered": "red",
    "failed": "red",
    "received": "indigo",
}


def _attachment(item: AttachmentItem) -> rx.Component:
    return rx.cond(
        item.url != "",
        rx.cond(
            item.is_image,
            rx.link(
                rx.image(src=item.url, alt=item.name, max_width="240px", border_radius="6px"),
                href=item.url,
                is_external=True,
            ),
            rx.link(item.name, href=item.url, is_external=True),
        ),
        rx.text(f"{item.name}: ", item.note, size="1", color_scheme="gray"),
    )


def _status(message: MessageItem) -> rx.Component:
    return rx.badge(
        message.status_label,
        color_scheme=rx.match(message.status, *[(k, v) for k, v in STATUS_COLORS.items()], "gray"),
        variant="soft",
        aria_label="Delivery status",
    )


def message_bubble(message: MessageItem) -> rx.Component:
    return rx.box(
        rx.vstack(
            rx.cond(message.body != "", rx.text(message.body, white_space="pre-wrap")),
            rx.foreach(message.attachments, _attachment),
            rx.hstack(
                rx.text(message.meta, size="1", color_scheme="gray"),
                _status(message),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.cond(
                message.problem != "",
                rx.text(message.problem, size="1", color_scheme="red", role="note"),
            ),
            spacing="1",
            align=rx.cond(message.outbound, "end", "start"),
        ),
        align_self=rx.cond(message.outbound, "flex-end", "flex-start"),
        background=rx.cond(message.outbound, "var(--accent-3)", "var(--gray-3)"),
        padding="0.6em 0.9em",
        border_radius="12px",
        max_width="75%",
        role="listitem",
        data_testid=rx.cond(message.outbound, "outbound-message", "inbound-message"),
    )


def conversation_panel() -> rx.Component:
    return rx.vstack(
        rx.heading("Conversation", size="4"),
        rx.cond(
            ConversationFeed.opted_out_from.length() > 0,
            rx.callout.root(
                rx.callout.icon(rx.icon("ban")),
                rx.callout.text(
                    "This number has opted out (texted STOP) of messages from ",
                    ConversationFeed.opted_out_from.join(", "),
                    ". Sending from those numbers is refused until they text START.",
                ),
                color_scheme="orange",
                role="status",
            ),
        ),
        rx.cond(
            ConversationFeed.total == 0,
            rx.text(
                "No messages yet. Use Compose SMS to start the conversation.", color_scheme="gray"
            ),
        ),
        rx.flex(
            rx.foreach(
                InteractionPageState.history,
                lambda m: rx.cond(m.seq < ConversationFeed.first_tail_seq, message_bubble(m)),
            ),
            rx.cond(
                ConversationFeed.first_tail_seq > InteractionPageState.history_upto + 1,
                # More arrived than the live tail carries: fetch the skipped ones at once.
                rx.hstack(
                    rx.spinner(size="1"),
                    rx.text("Loading earlier messages…", size="1", color_scheme="gray"),
                    on_mount=InteractionPageState.load_earlier,
                    align_self="center",
                ),
            ),
            rx.foreach(ConversationFeed.tail, message_bubble),
            direction="column",
            gap="0.6em",
            width="100%",
            role="list",
            aria_label="Messages",
        ),
        width="100%",
        spacing="3",
    )
