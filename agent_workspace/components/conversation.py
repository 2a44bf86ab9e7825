"""The conversation pane: the interaction's header, what came before a hand-over, the messages
(bubbles with delivery status, day separators, times in the browser's zone) and the composer."""

from __future__ import annotations

import reflex as rx

from agent_workspace.components.close import close_button
from agent_workspace.components.composer import composer
from agent_workspace.components.forms import badge, callout_root
from agent_workspace.components.labels import labels_bar
from agent_workspace.components.scheduled import scheduled_line
from agent_workspace.components.sla import header_clock
from agent_workspace.components.snooze import snooze_button, snooze_dialog, snoozed_banner
from agent_workspace.components.stop_request import opt_out_dialog, stop_request_flag
from agent_workspace.components.their_time import their_time_text
from agent_workspace.components.transcript import export_transcript_menu
from agent_workspace.components.transfer import transfer_button, transfer_dialog
from agent_workspace.state.compose import ComposeState
from agent_workspace.state.conversation_feed import (
    AttachmentItem,
    ConversationFeed,
    MessageItem,
    NotePart,
)
from agent_workspace.state.details import DetailsState
from agent_workspace.state.interaction_page import InteractionPageState
from agent_workspace.state.session import SessionState

STATUS_COLORS = {
    "queued": "gray",
    "sending": "gray",
    "sent": "blue",
    "delivered": "green",
    "undelivered": "red",
    "failed": "red",
    "unconfirmed": "orange",
    "canceled": "gray",
    "scheduled": "blue",
    "received": "indigo",
    "note": "amber",
}
# Bubble times are the browser's (the agent's) zone; hovering one says the date and offset.
TITLE_FORMAT = "D MMM YYYY HH:mm:ss [UTC]Z"
DAYS = {
    "sameDay": "[Today]",
    "lastDay": "[Yesterday]",
    "lastWeek": "dddd",
    "sameElse": "dddd, D MMMM YYYY",
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


def _status(message: rx.Var[MessageItem]) -> rx.Component:
    return badge(
        message.status_label,
        color_scheme=rx.match(message.status, *[(k, v) for k, v in STATUS_COLORS.items()], "gray"),
        variant="soft",
        high_contrast=True,
        aria_label="Delivery status",
    )


def _note_part(part: rx.Var[NotePart]) -> rx.Component:
    """A piece of a note: an @mention bold, the rest as written."""
    return rx.cond(part.mention, rx.el.strong(part.text), rx.el.span(part.text))


@rx.memo
def _bubble(message: rx.Var[MessageItem], rest: rx.RestProp) -> rx.Component:
    """A React.memo component: a list that re-renders skips every bubble whose message it
    already has (a push keeps unchanged messages as they were), so a new message renders one
    bubble, not the twenty before it with their two dates each."""
    mine = message.outbound | message.note
    return rx.flex(
        # One separator per message; the page script hides all but the first of each day.
        rx.el.div(
            rx.moment(message.at, calendar=DAYS),
            class_name="aw-day",
            role="separator",
            style={
                "align_self": "center",
                "font_size": "0.75em",
                "color": "var(--gray-11)",
                "padding": "0.25em 0",
            },
        ),
        rx.box(
            rx.vstack(
                rx.text(
                    rx.cond(message.note, "Internal note · ", ""),
                    message.who,
                    size="1",
                    weight="bold",
                    color=rx.cond(message.note, "var(--amber-12)", "var(--gray-11)"),
                ),
                rx.cond(
                    message.parts.length() > 0,
                    rx.text(
                        rx.foreach(message.parts, _note_part),
                        white_space="pre-wrap",
                        text_align="left",
                    ),
                    rx.cond(
                        message.body != "",
                        rx.text(message.body, white_space="pre-wrap", text_align="left"),
                    ),
                ),
                rx.foreach(message.attachments, _attachment),
                rx.hstack(
                    rx.text(
                        rx.moment(
                            message.at,
                            format="HH:mm",
                            with_title=True,
                            title_format=TITLE_FORMAT,
                        ),
                        size="1",
                        color="var(--gray-11)",
                    ),
                    rx.cond(
                        message.via != "",
                        rx.text("from ", message.via, size="1", color="var(--gray-11)"),
                    ),
                    rx.cond(message.note, rx.fragment(), _status(message)),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                rx.cond(
                    message.problem != "",
                    rx.text(message.problem, size="1", color_scheme="red", role="note"),
                ),
                rx.cond(
                    message.link != "",
                    rx.text(message.link, size="1", color="var(--gray-11)"),
                ),
                rx.cond(
                    message.retryable,
                    rx.button(
                        "Retry",
                        on_click=InteractionPageState.retry_failed(message.id),
                        size="1",
                        variant="soft",
                        aria_label="Retry: send this message again",
                    ),
                ),
                rx.cond(message.scheduled != "", scheduled_line(message)),
                rx.cond(message.asks_to_stop, stop_request_flag(message)),
                spacing="1",
                align=rx.cond(mine, "end", "start"),
            ),
            align_self=rx.cond(mine, "flex-end", "flex-start"),
            background=rx.cond(
                message.note,
                "var(--amber-3)",
                rx.cond(message.outbound, "var(--accent-3)", "var(--gray-3)"),
            ),
            border=rx.cond(message.note, "1px dashed var(--amber-8)", "none"),
            padding="0.6em 0.9em",
            border_radius="12px",
            max_width="80%",
            data_testid=rx.cond(
                message.note,
                "note-message",
                rx.cond(message.outbound, "outbound-message", "inbound-message"),
            ),
        ),
        rest,
        direction="column",
        width="100%",
        role="listitem",
    )


def message_bubble(message: rx.Var[MessageItem]) -> rx.Component:
    # By message, not position: React keeps the bubbles it has when the list moves on.
    return _bubble(message=message, key=message.id)


def _header() -> rx.Component:
    info = ConversationFeed.info
    return rx.hstack(
        rx.vstack(
            rx.hstack(
                rx.heading(info.number, size="5", as_="h2"),
                badge(info.state, aria_label="Interaction state"),
                badge(info.type, variant="outline"),
                align="center",
                spacing="2",
            ),
            rx.text(
                info.person_name,
                " · ",
                info.phone,
                _their_time(),
                size="2",
                color_scheme="gray",
            ),
            rx.text(
                "Times in ", SessionState.zone_label, size="1", color="var(--gray-11)", id="aw-zone"
            ),
            rx.cond(info.active, snoozed_banner()),
            header_clock(),
            labels_bar(),
            spacing="1",
        ),
        rx.spacer(),
        rx.cond(
            info.virtual_agent & info.active,
            rx.button("Pick up", on_click=InteractionPageState.pick_up, size="2"),
        ),
        rx.cond(info.active & ~info.snoozed, snooze_button()),
        rx.cond(info.active, transfer_button()),
        rx.cond(info.active, close_button()),
        export_transcript_menu(),
        rx.button(
            "Details",
            on_click=InteractionPageState.show_pane("details"),
            variant="soft",
            size="2",
            display=rx.breakpoints(initial="inline-flex", lg="none"),
        ),
        rx.button(
            "Back to list",
            on_click=InteractionPageState.show_pane("list"),
            variant="ghost",
            size="2",
            display=rx.breakpoints(initial="inline-flex", md="none"),
        ),
        width="100%",
        align="start",
        wrap="wrap",
    )


def _their_time() -> rx.Component:
    """The consumer's local time beside their number, e.g. "14:05 for them, Pacific Time"
    (components/their_time.py keeps it current)."""
    return rx.cond(
        DetailsState.their_time != "",
        rx.el.span(" · ", their_time_text(DetailsState, "aw-their-time")),
    )


def _earlier() -> rx.Component:
    info = ConversationFeed.info
    return rx.cond(
        info.earlier_id > 0,
        rx.el.details(
            rx.el.summary(
                "Earlier conversation ",
                info.earlier_number,
                style={"cursor": "pointer", "font_size": "0.9em", "color": "var(--gray-11)"},
            ),
            rx.flex(
                rx.foreach(ConversationFeed.earlier, message_bubble),
                rx.link(
                    "Open ",
                    info.earlier_number,
                    href="/interactions/" + info.earlier_id.to_string(),
                    size="2",
                ),
                direction="column",
                gap="0.5em",
                padding_top="0.5em",
                role="list",
                aria_label="Earlier conversation",
            ),
            style={"width": "100%", "border_bottom": "1px solid var(--gray-5)"},
        ),
    )


def _opted_out() -> rx.Component:
    return rx.cond(
        ConversationFeed.opted_out_from.length() > 0,
        callout_root(
            rx.callout.icon(rx.icon("ban")),
            rx.callout.text(
                "This number has opted out of messages from ",
                ConversationFeed.opted_out_from.join(", "),
                ". Sending from those numbers is refused until they text START.",
            ),
            color_scheme="orange",
            role="status",
            width="100%",
        ),
    )


def _messages() -> rx.Component:
    return rx.box(
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
            rx.foreach(ConversationFeed.fresh, message_bubble),
            direction="column",
            gap="0.5em",
            width="100%",
            role="list",
            aria_label="Messages",
            id="messages",
        ),
        rx.cond(
            ConversationFeed.total == 0,
            rx.text("No messages yet.", color_scheme="gray", size="2"),
        ),
        id="messages-scroller",
        tab_index=0,  # the conversation scrolls by keyboard too
        aria_label="Conversation",
        role="region",
        flex="1",
        overflow_y="auto",
        width="100%",
        padding_right="0.25em",
    )


def conversation_pane() -> rx.Component:
    return rx.vstack(
        _header(),
        _opted_out(),
        _earlier(),
        rx.box(
            _messages(),
            rx.button(
                "New messages ↓",
                id="new-messages",
                hidden=True,
                size="1",
                position="absolute",
                bottom="0.5em",
                left="50%",
                transform="translateX(-50%)",
                radius="full",
            ),
            position="relative",
            flex="1",
            min_height="0",
            width="100%",
            display="flex",
        ),
        composer(),
        opt_out_dialog(),
        transfer_dialog(),
        snooze_dialog(),
        # A new message pushed while the agent looks: the tab marks it read.
        rx.box(
            rx.el.span(on_mount=InteractionPageState.messages_shown(ConversationFeed.total)),
            key=ConversationFeed.total.to_string(),
            display="none",
        ),
        # What Send would do changes only with the state, the people or an opt-out: re-check
        # then, not on every message.
        rx.box(
            rx.el.span(on_mount=ComposeState.refresh_preview(ConversationFeed.total)),
            key=ConversationFeed.routing,
            display="none",
        ),
        height="100%",
        width="100%",
        spacing="3",
        # Which conversation is on the page: a shortcut pressed before the one the URL names
        # has come waits for it (assets/workspace.js -> loading).
        custom_attrs={"data-aw-conversation": ConversationFeed.info.id},
    )
