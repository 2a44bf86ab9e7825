"""The consumer's local time as a tab shows it (state/their_time.py): said by the server when
the zone is read, and again on a timer in the browser. The hidden moment changes each half
minute and its on_change asks this tab's state to say the time again, from the zone it already
holds: nothing reads the database and nothing is pushed per minute; the time is at most half a
minute late."""

from __future__ import annotations

import reflex as rx

from agent_workspace.state.their_time import TheirTimeMixin

TICK_MS = 30_000  # how often the consumer's local time is said again


def their_time_text(state: type[TheirTimeMixin], element_id: str) -> rx.Component:
    """`state.their_time` in a span with `element_id`, kept current by the browser's timer."""
    return rx.el.span(
        rx.el.span(state.their_time, id=element_id),
        rx.moment(
            format="HH:mm:ss",
            interval=TICK_MS,
            on_change=state.tick_their_time,
            display="none",
            aria_hidden="true",
        ),
    )
