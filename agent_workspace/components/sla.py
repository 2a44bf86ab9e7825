"""SLA clocks on screen (issue 27 item 8): a badge with the words ("First response 12m left",
"… due soon", "… overdue"), green, amber or red, and the browser's timer that asks the tab to
say them again (state/sla.py) with no read and no push from the server."""

from __future__ import annotations

from typing import Any

import reflex as rx

from agent_workspace.components.forms import badge
from agent_workspace.state.conversation_feed import ConversationFeed
from agent_workspace.state.sla import TICK_MS, SlaHeaderState


def sla_badge(text: Any, status: Any, **props: Any) -> rx.Component:
    """The clock's words in its colour; nothing while no clock runs."""
    colour = rx.match(status, ("red", "red"), ("amber", "amber"), "green")
    return rx.cond(
        text != "",
        badge(
            text,
            color_scheme=colour,
            variant=rx.cond(status == "red", "solid", "soft"),
            size="1",
            data_sla=status,
            **props,
        ),
    )


def sla_timer(on_tick: Any) -> rx.Component:
    """A hidden moment whose change, every TICK_MS, calls `on_tick`."""
    return rx.moment(
        format="HH:mm:ss",
        interval=TICK_MS,
        on_change=on_tick,
        display="none",
        aria_hidden="true",
    )


def header_clock() -> rx.Component:
    """The conversation's nearest clock under its number; read again when the feed's clock
    changes (a reply stops it, a text starts one) and on the timer."""
    info = ConversationFeed.info
    return rx.fragment(
        rx.box(
            rx.el.span(on_mount=SlaHeaderState.tick),
            key=info.id.to_string() + "/" + info.sla_key + "/" + info.state,
            display="none",
        ),
        rx.cond(info.sla_key != "", sla_timer(SlaHeaderState.tick)),
        sla_badge(SlaHeaderState.text, SlaHeaderState.status, id="aw-sla"),
    )
