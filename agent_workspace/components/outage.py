"""The reconnecting banner, and whether Send is paused (state/outage.py, web/outage.py).

Two causes: the server has lost its database or Redis (OutageState.outage, sent by the
worker), or the browser has lost its socket to the server (Reflex's own connection errors).
"""

from __future__ import annotations

import reflex as rx
from reflex.components.core.banner import has_connection_errors

from agent_workspace.components.forms import callout
from agent_workspace.state.outage import OutageState

LOST_SOCKET = (
    "Reconnecting: the connection to the workspace was lost. Sending is paused until it is "
    "back; what you type is kept in this browser."
)
PAUSED_REASON = "Sending is paused while the workspace reconnects."

# Send is off while either holds.
sending_paused = (OutageState.outage != "") | has_connection_errors


def outage_banner() -> rx.Component:
    """Full width above the page. `data-outage` carries the server's reason: when it clears,
    the page reloads itself (assets/workspace.js) to show what changed meanwhile."""
    return rx.el.div(
        rx.cond(
            sending_paused,
            callout(
                rx.cond(OutageState.outage != "", OutageState.outage, LOST_SOCKET),
                icon="wifi-off",
                color_scheme="orange",
                role="alert",
                width="100%",
            ),
        ),
        id="aw-outage",
        custom_attrs={"data-outage": OutageState.outage},
        width="100%",
    )
