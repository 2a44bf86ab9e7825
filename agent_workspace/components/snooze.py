"""Snooze, from the conversation's header: a dialog of quick choices and a field for the
agent's own words; a snoozed conversation says until when, with "Wake now"."""

from __future__ import annotations

import reflex as rx

from agent_workspace.components.forms import error_id, sent_at_once
from agent_workspace.components.shortcuts import SNOOZE_ID, aria_keys
from agent_workspace.state.conversation_feed import ConversationFeed
from agent_workspace.state.snooze import QUICK, SnoozeState

S = SnoozeState
FIELD = "snooze-until"


def snooze_button() -> rx.Component:
    return rx.button(
        "Snooze",
        on_click=S.open_snooze,
        variant="soft",
        size="2",
        aria_haspopup="dialog",
        id=SNOOZE_ID,
        aria_keyshortcuts=aria_keys(SNOOZE_ID),
    )


def snoozed_banner() -> rx.Component:
    """ "Snoozed until Tue 8 Dec 09:00" (in the tab's zone) or "until they reply", and Wake now."""
    info = ConversationFeed.info
    return rx.cond(
        info.snoozed,
        rx.hstack(
            rx.text(
                "Snoozed until ",
                rx.cond(
                    info.snoozed_until != "",
                    rx.fragment(
                        rx.moment(info.snoozed_until, format="ddd D MMM YYYY HH:mm"),
                        " or their reply",
                    ),
                    rx.fragment("they reply"),
                ),
                size="2",
                id="aw-snoozed",
            ),
            rx.button("Wake now", on_click=S.wake_now, size="1", variant="soft"),
            align="center",
            spacing="2",
            role="status",
        ),
    )


def snooze_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Snooze " + ConversationFeed.info.number),
            rx.dialog.description(
                "It leaves My Interactions and comes back at the top, with a notice, at that "
                "time or as soon as they reply.",
                size="2",
            ),
            rx.vstack(
                rx.hstack(
                    *[
                        rx.button(words, on_click=S.snooze_quick(value), variant="soft")
                        for value, words in QUICK
                    ],
                    spacing="2",
                    wrap="wrap",
                ),
                rx.el.label("Or when (e.g. 30m, 2h, mon 09:00, 2026-12-24 17:00)", html_for=FIELD),
                rx.hstack(
                    sent_at_once(
                        rx.input(
                            id=FIELD,
                            value=S.snooze_text,
                            on_change=S.set_snooze_text,
                            max_length=64,
                            aria_describedby=error_id(FIELD),
                            width="100%",
                        )
                    ),
                    rx.button("Snooze", on_click=S.snooze_typed),
                    spacing="2",
                    width="100%",
                ),
                rx.text(
                    S.snooze_error, id=error_id(FIELD), color_scheme="red", size="2", role="status"
                ),
                rx.button("Cancel", on_click=S.cancel_snooze, variant="soft", color_scheme="gray"),
                spacing="2",
                margin_top="1em",
            ),
        ),
        open=S.snooze_open,
        on_open_change=lambda _: S.cancel_snooze(),
    )
