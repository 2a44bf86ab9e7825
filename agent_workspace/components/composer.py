"""The composer (SPEC "Compose SMS"): open under an active messaging conversation with From and
To chosen and shown in one line; Compose SMS opens it elsewhere. Enter sends, Shift+Enter makes
a new line (assets/workspace.js)."""

from __future__ import annotations

import reflex as rx

from agent_workspace.components.forms import (
    badge,
    callout,
    confirm_callout,
    error_callout,
    error_text,
    native_select,
    once_loaded,
    plain_list,
)
from agent_workspace.components.outage import PAUSED_REASON, sending_paused
from agent_workspace.components.quiet_prompt import quiet_prompt, send_later_button
from agent_workspace.components.shortcuts import COMPOSE_ID, aria_keys
from agent_workspace.components.their_time import their_time_text
from agent_workspace.domain.inputs import SEARCH_CHARS, TYPED_CHARS
from agent_workspace.state.compose import NOTE, SMS, ComposeState
from agent_workspace.state.compose_checks import CheckItem
from agent_workspace.state.compose_files import UPLOAD_ID
from agent_workspace.state.compose_message import BODY_ID, FOCUS_MESSAGE_JS
from agent_workspace.state.compose_to import OTHER
from agent_workspace.state.conversation_feed import ConversationFeed
from agent_workspace.state.live import ChannelFeed
from agent_workspace.state.views import ReplyItem, StagedItem

LABEL = {"font_size": "0.85em", "font_weight": "500"}
# Other reports what was typed once the agent pauses this long (or presses Enter, or leaves the
# field): each report runs the routing decision for the preview, so a number typed key by key
# is decided once, not once per keystroke.
OTHER_PAUSE_MS = 300


def _labelled(label: str, control: rx.Component, html_for: str) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=html_for, style=LABEL), control, spacing="1", width="100%"
    )


def _route() -> rx.Component:
    state = ComposeState
    return rx.cond(
        state.editing_route,
        rx.vstack(
            rx.hstack(
                rx.cond(
                    state.via_service,
                    # Twilio picks the sender from the Messaging Service's pool: nothing to choose.
                    rx.text(state.service_from, size="2", id="compose-service-from"),
                    _labelled(
                        "From",
                        native_select(
                            "compose-from",
                            state.from_number,
                            ChannelFeed.numbers,
                            state.set_from,
                            "Choose a sending number",
                        ),
                        "compose-from",
                    ),
                ),
                _labelled(
                    "To",
                    native_select(
                        "compose-to",
                        state.to_choice,
                        state.to_options,
                        state.set_to_choice,
                        "Choose a number",
                    ),
                    "compose-to",
                ),
                width="100%",
            ),
            rx.cond(state.to_choice == OTHER, _other()),
            rx.cond(
                state.to_advice != "",
                rx.text(state.to_advice, size="2", color_scheme="amber", id="compose-to-advice"),
            ),
            _their_time_to(),
            width="100%",
            spacing="2",
        ),
        rx.hstack(
            rx.text(state.route_summary, size="2", color_scheme="gray", id="compose-route"),
            _their_time_to(),
            rx.button(
                "Change",
                on_click=state.edit_route,
                variant="ghost",
                size="1",
                aria_label="Change From or To",
            ),
            align="center",
            spacing="2",
        ),
    )


def _their_time_to() -> rx.Component:
    """The consumer's local time next to To, e.g. "14:05 for them, Pacific Time" (for Other,
    the typed number's), kept current by the browser's timer."""
    state = ComposeState
    return rx.cond(
        state.their_time != "",
        rx.text(
            their_time_text(state, "compose-their-time"),
            size="2",
            color_scheme="gray",
        ),
    )


def _check_item(item: CheckItem) -> rx.Component:
    return rx.el.li(
        rx.text(item.words, size="1", color_scheme="amber", as_="span"),
        rx.cond(
            item.fix_label != "",
            rx.button(
                item.fix_label,
                on_click=ComposeState.apply_fix(item.kind),
                size="1",
                variant="soft",
                type="button",
                margin_left="0.5em",
            ),
        ),
        style={"list_style": "none", "margin": "0.15em 0"},
    )


def _send_checks() -> rx.Component:
    """What may cost more, be filtered or arrive badly, as the agent types (a live region:
    a screen reader hears a check come and go), each with its one-click fix where one exists."""
    state = ComposeState
    return rx.box(
        rx.cond(
            state.send_checks.length() > 0,
            plain_list(state.send_checks, _check_item, "Checks before Send"),
        ),
        role="status",
        id="compose-checks",
        width="100%",
    )


def _other() -> rx.Component:
    state = ComposeState
    invalid = state.other_error != ""
    return rx.vstack(
        rx.el.label("Other number", html_for="compose-other", style=LABEL),
        rx.debounce_input(
            rx.input(
                id="compose-other",
                value=state.other_text,
                on_change=state.set_other_text,
                placeholder="e.g. (415) 555-0100 or +44 7400 123456",
                width="100%",
                aria_invalid=rx.cond(invalid, "true", "false"),
                aria_describedby=rx.cond(invalid, "compose-other-error", "compose-other-e164"),
            ),
            debounce_timeout=OTHER_PAUSE_MS,
            force_notify_by_enter=True,
            force_notify_on_blur=True,  # a click on Send comes after the number it sends to
        ),
        rx.cond(
            state.other_e164 != "",
            rx.text(
                "Will send to ",
                rx.code(state.other_e164),
                rx.cond(
                    state.other_country != "",
                    rx.text.span(" (read as a number in ", state.other_country, ")"),
                ),
                size="2",
                id="compose-other-e164",
                aria_label="Number in E.164",
            ),
        ),
        rx.cond(
            invalid,
            rx.text(
                state.other_error,
                size="2",
                color_scheme="red",
                role="alert",
                id="compose-other-error",
            ),
        ),
        width="100%",
        spacing="1",
    )


def _staged(item: StagedItem) -> rx.Component:
    return rx.hstack(
        rx.cond(
            item.is_image,
            rx.image(
                src=item.url,
                alt="",
                width="40px",
                height="40px",
                object_fit="cover",
                border_radius="4px",
            ),
            rx.icon("file", size=28),
        ),
        rx.vstack(
            rx.text(item.name, size="1", weight="medium"),
            rx.text(item.size_label, size="1", color_scheme="gray"),
            spacing="0",
        ),
        rx.icon_button(
            rx.icon("x", size=14),
            on_click=ComposeState.remove_file(item.id),
            size="1",
            variant="ghost",
            aria_label="Remove " + item.name,
        ),
        align="center",
        spacing="2",
        padding="0.25em 0.5em",
        border="1px solid var(--gray-6)",
        border_radius="6px",
        role="listitem",
    )


def _confirm() -> rx.Component:
    state = ComposeState
    return confirm_callout(
        state.confirm,
        "Send",
        state.send_confirmed,
        state.set_confirm(""),
        id="compose-send-anyway",
    )


def _reply_item(item: ReplyItem) -> rx.Component:
    return rx.el.li(
        rx.button(
            rx.vstack(
                rx.hstack(
                    rx.text(item.title, weight="medium", size="2"),
                    badge(item.owner, size="1", variant="soft"),
                    spacing="2",
                ),
                rx.text(item.preview, size="1", color_scheme="gray"),
                spacing="0",
                align="start",
            ),
            on_click=ComposeState.choose_reply(item.id),
            variant="ghost",
            width="100%",
            height="auto",
            padding="0.4em",
            style={"justify_content": "flex-start", "text_align": "left", "margin": "0"},
        ),
        list_style="none",
    )


def _replies() -> rx.Component:
    state = ComposeState
    return rx.cond(
        state.replies_open,
        rx.vstack(
            rx.hstack(
                rx.text(
                    "Enter or Tab inserts the highlighted reply; the arrows move; Esc closes.",
                    size="1",
                    color_scheme="gray",
                ),
                rx.spacer(),
                rx.button(
                    "Close",
                    on_click=state.close_replies,
                    id="replies-close",
                    aria_label="Close canned replies",
                    size="1",
                    variant="ghost",
                ),
                width="100%",
                align="center",
            ),
            rx.input(
                value=state.reply_search,
                on_change=state.set_reply_search.debounce(200),
                max_length=SEARCH_CHARS,
                placeholder="Search canned replies by title",
                aria_label="Search canned replies",
                width="100%",
                size="1",
            ),
            rx.el.ul(
                rx.foreach(state.replies, _reply_item),
                aria_label="Canned replies",
                # What the list was found for: the page's keys act on it only once it shows
                # the shortcut now typed (assets/workspace.js).
                custom_attrs={"data-search": state.reply_search},
                style={
                    "padding": "0",
                    "margin": "0",
                    "max_height": "12em",
                    "overflow_y": "auto",
                    "width": "100%",
                },
            ),
            rx.cond(
                state.replies.length() == 0,
                rx.text("No canned reply matches.", size="1", color_scheme="gray"),
            ),
            error_text(state.reply_error, size="1"),
            rx.hstack(
                rx.input(
                    value=state.new_reply_title,
                    on_change=state.set_new_reply_title,
                    placeholder="Title",
                    aria_label="Title for my reply",
                    size="1",
                ),
                rx.button(
                    "Save message as my reply",
                    on_click=state.save_my_reply,
                    size="1",
                    variant="soft",
                ),
                spacing="2",
            ),
            width="100%",
            spacing="2",
            padding="0.5em",
            border="1px solid var(--gray-6)",
            border_radius="8px",
        ),
    )


def _mode() -> rx.Component:
    return rx.radio_group.root(
        rx.hstack(
            rx.el.label(
                rx.radio_group.item(value=SMS),
                " SMS",
                style={
                    "display": "flex",
                    "gap": "0.3em",
                    "align_items": "center",
                    "font_size": "0.85em",
                },
            ),
            rx.el.label(
                rx.radio_group.item(value=NOTE),
                " Internal note",
                style={
                    "display": "flex",
                    "gap": "0.3em",
                    "align_items": "center",
                    "font_size": "0.85em",
                },
            ),
            spacing="3",
        ),
        value=ComposeState.mode,
        on_change=ComposeState.set_mode,
        aria_label="Write an SMS or an internal note",
        size="1",
    )


def _open() -> rx.Component:
    state = ComposeState
    closed = ~ConversationFeed.info.active
    note = state.mode == NOTE
    return rx.vstack(
        rx.cond(
            closed,
            # On a closed interaction, say first what Send would do.
            callout(
                rx.cond(
                    state.preview != "",
                    state.preview,
                    "This interaction is closed: Send opens or continues another one.",
                ),
                color_scheme="blue",
                role="status",
                width="100%",
                size="1",
            ),
        ),
        rx.hstack(
            rx.heading("Compose SMS", size="3", as_="h3"),
            _mode(),
            rx.spacer(),
            rx.cond(
                note,
                rx.text("Seen by agents only, never sent.", size="1", color_scheme="amber"),
                _route(),
            ),
            width="100%",
            align="center",
            wrap="wrap",
        ),
        error_text(state.from_error),
        # An administrator added or removed a number: From and its summary follow.
        rx.box(
            rx.el.span(on_mount=state.follow_numbers(ChannelFeed.key)),
            key=ChannelFeed.key,
            display="none",
        ),
        rx.el.label("Message", html_for=BODY_ID, style=LABEL),
        rx.text_area(
            id=BODY_ID,
            value=state.body,
            on_change=state.set_body,
            max_length=TYPED_CHARS,  # what the server keeps; the counter shows the SMS limit
            rows="3",
            width="100%",
            placeholder="Write a reply. Enter sends, Shift+Enter adds a line.",
            aria_describedby="compose-counter",
            # Opened where replying is next, it appears once the page has loaded: the cursor
            # goes in then (not when the load ran, before Message was on the page).
            on_mount=rx.call_script(FOCUS_MESSAGE_JS),
            aria_keyshortcuts=aria_keys(BODY_ID),
            # What is typed is kept in this browser per agent and interaction until it is sent
            # (assets/workspace.js): a reload, a lost connection or a new sign-in keeps it.
            custom_attrs={"data-draft-key": state.draft_key},
        ),
        _replies(),
        rx.hstack(
            rx.text(
                state.counter,
                size="1",
                color_scheme=rx.cond(state.over_limit, "red", "gray"),
                id="compose-counter",
                aria_label="Characters left",
            ),
            rx.spacer(),
            rx.cond(
                (state.preview != "") & ~closed & ~note,
                rx.text(state.preview, size="1", role="status", color_scheme="gray"),
            ),
            width="100%",
            wrap="wrap",
        ),
        rx.cond(~note, _send_checks()),
        error_text("Cannot send: " + state.refusal, when=(state.refusal != "") & ~note),
        rx.cond(
            state.files.length() > 0,
            rx.flex(
                rx.foreach(state.files, _staged),
                gap="0.5em",
                wrap="wrap",
                role="list",
                aria_label="Attached files",
            ),
        ),
        error_text(state.attach_error),
        _confirm(),
        quiet_prompt(),
        error_callout(
            state.error,
            when=(state.error != "") & (state.error != state.refusal),
            width="100%",
            size="1",
        ),
        rx.hstack(
            rx.button(
                "Canned replies",
                on_click=state.toggle_replies,
                variant="soft",
                size="2",
                type="button",
                aria_expanded=rx.cond(state.replies_open, "true", "false"),
            ),
            rx.upload.root(
                rx.button("Attach File", type="button", variant="soft", size="2", disabled=note),
                id=UPLOAD_ID,
                multiple=True,
                no_drag=True,
                on_drop=state.attach,
                # No `accept`: the dropzone would refuse a file of another type in the browser,
                # where its event was lost (issue 23); each file goes to the server, which
                # judges it by its bytes and says which types are allowed. The picker still
                # offers the allowed types first (assets/workspace.js reads this).
                custom_attrs={"data-accept": state.picker_accept},
            ),
            rx.spacer(),
            rx.cond(
                ~state.inline,
                rx.button(
                    "Cancel", on_click=state.close, variant="soft", color_scheme="gray", size="2"
                ),
            ),
            rx.cond(~note, send_later_button()),
            rx.cond(
                note,
                rx.button(
                    "Add note",
                    on_click=state.send,
                    id="compose-send",
                    size="2",
                    color_scheme="amber",
                    disabled=sending_paused,
                ),
                rx.button(
                    "Send",
                    on_click=state.send,
                    id="compose-send",
                    size="2",
                    disabled=sending_paused,
                ),
            ),
            width="100%",
            align="center",
            wrap="wrap",  # on a phone the buttons take a second line; Send stays on screen
        ),
        rx.cond(
            sending_paused,
            rx.text(
                PAUSED_REASON, size="2", color_scheme="orange", role="status", id="compose-paused"
            ),
        ),
        width="100%",
        spacing="2",
        padding="0.75em",
        border="1px solid var(--gray-6)",
        border_radius="10px",
        role="region",
        aria_label="Compose SMS",
    )


def composer() -> rx.Component:
    return once_loaded(
        "the composer",
        rx.cond(
            ComposeState.is_open,
            _open(),
            rx.hstack(
                rx.button(
                    "Compose SMS",
                    on_click=ComposeState.start,
                    id=COMPOSE_ID,
                    aria_keyshortcuts=aria_keys(COMPOSE_ID),
                ),
                error_text(ComposeState.error),
                width="100%",
            ),
        ),
    )
