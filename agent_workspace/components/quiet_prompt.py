"""The composer's quiet-hours prompt (issue 26 item 2): Send was refused because it is night
for the consumer; the agent schedules it for the opening, picks another time, or sends now
anyway with a reason."""

from __future__ import annotations

import reflex as rx

from agent_workspace.components.forms import callout_root
from agent_workspace.state.compose import ComposeState
from agent_workspace.state.compose_schedule import MINE, REASON_CHARS, THEIRS

BROWSER_ZONE = "Intl.DateTimeFormat().resolvedOptions().timeZone"


def _override() -> rx.Component:
    state = ComposeState
    return rx.hstack(
        rx.input(
            value=state.quiet_reason,
            on_change=state.set_quiet_reason,
            placeholder="Why it must go now",
            aria_label="Reason to send now",
            max_length=REASON_CHARS,
            id="quiet-reason",
            width="100%",
        ),
        rx.button("Send now", on_click=state.send_anyway, color_scheme="orange"),
        width="100%",
    )


def _picker() -> rx.Component:
    state = ComposeState
    return rx.hstack(
        rx.el.input(
            type="datetime-local",
            value=state.pick_time,
            on_change=state.set_pick_time,
            aria_label="Send at",
            id="quiet-pick-time",
        ),
        rx.el.select(
            rx.el.option("their time", value=THEIRS),
            rx.el.option("my time", value=MINE),
            value=state.pick_in,
            on_change=state.set_pick_in,
            aria_label="Whose time",
        ),
        rx.button("Schedule it", on_click=state.send_at_picked),
        align="center",
        wrap="wrap",
    )


def send_later_button() -> rx.Component:
    """Beside Send: schedule this message for a time picked in their time or the agent's (not
    named "Send…": tests and screen readers find Send by its name)."""
    state = ComposeState
    return rx.button(
        "Schedule…",
        on_click=[
            state.start_schedule,
            rx.call_script(BROWSER_ZONE, callback=state.set_agent_zone),
        ],
        variant="soft",
        size="2",
        type="button",
        aria_expanded=rx.cond(state.scheduling, "true", "false"),
    )


def quiet_prompt() -> rx.Component:
    """The prompt after a refused Send, or the picker "Schedule…" opened."""
    state = ComposeState
    return rx.fragment(
        _prompt(),
        rx.cond(
            state.scheduling & (state.quiet == ""),
            rx.box(_picker(), role="group", aria_label="Schedule", width="100%"),
        ),
    )


def _prompt() -> rx.Component:
    state = ComposeState
    return rx.cond(
        state.quiet != "",
        callout_root(
            rx.callout.text(state.quiet),
            rx.hstack(
                rx.cond(
                    state.quiet_opening != "",
                    rx.button(
                        "Send at ",
                        state.quiet_opening,
                        on_click=state.send_later,
                        id="quiet-send-later",
                    ),
                ),
                rx.button(
                    "Pick a time",
                    on_click=[
                        state.choose_pick,
                        rx.call_script(BROWSER_ZONE, callback=state.set_agent_zone),
                    ],
                    variant="soft",
                ),
                rx.button(
                    "Send now anyway",
                    on_click=state.choose_override,
                    variant="soft",
                    color_scheme="orange",
                ),
                rx.button(
                    "Don't send", on_click=state.dismiss_quiet, variant="soft", color_scheme="gray"
                ),
                wrap="wrap",
            ),
            rx.cond(state.quiet_picking, _picker()),
            rx.cond(state.quiet_overriding, _override()),
            color_scheme="orange",
            role="alertdialog",
            aria_label="Outside quiet hours",
            width="100%",
        ),
    )
