"""The SMS channel tab's STOP policy (issue 26 item 6)."""

from __future__ import annotations

import reflex as rx

from agent_workspace.components.forms import error_callout
from agent_workspace.state.admin_consent import StopPolicyAdminState


def stop_policy_section() -> rx.Component:
    state = StopPolicyAdminState
    return rx.vstack(
        rx.heading("Opt-outs", size="4"),
        rx.text(
            "Twilio stops texts from the one number a consumer texted STOP to. With this on, "
            "Send, scheduled and queued texts are refused from every number of the channel "
            "too, until they text START to any of them.",
            size="2",
            color_scheme="gray",
        ),
        rx.checkbox(
            "A STOP to one number stops every number of the channel",
            checked=state.channel_wide,
            on_change=state.set_channel_wide,
        ),
        error_callout(state.error, width="100%"),
        spacing="3",
        max_width="46em",
    )
