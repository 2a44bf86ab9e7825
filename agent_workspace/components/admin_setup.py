"""Administration: the SMS channel form, and the first steps a fresh install shows its
administrator until the channel, a sending number and an agent exist."""

from __future__ import annotations

from typing import Any

import reflex as rx

from agent_workspace.components.forms import (
    callout_root,
    checked_field,
    checked_input,
    error_callout,
    error_id,
)
from agent_workspace.domain.channels import region_choices
from agent_workspace.state.admin_setup import ChannelAdminState

REGION_OPTIONS = [rx.el.option(label, value=code) for code, label in region_choices()]


def _step(done: Any, text: str) -> rx.Component:
    return rx.el.li(rx.cond(done, rx.text.strong("Done: "), rx.text.strong("To do: ")), text)


def first_steps() -> rx.Component:
    """What a fresh install lacks, in the order it is done (gone once all is there)."""
    state = ChannelAdminState
    return rx.cond(
        state.loaded & ~state.setup_complete,
        callout_root(
            rx.callout.text(rx.text.strong("Set up the workspace"), " — agents can send once:"),
            rx.el.ol(
                _step(~state.needs_channel, "the SMS channel exists (SMS channel tab, below)"),
                _step(~state.needs_number, "it has a number to send from (SMS channel tab)"),
                _step(~state.needs_agent, "an agent can sign in (Users and roles tab)"),
                style={"margin": "0", "padding_left": "1.5em"},
            ),
            color_scheme="blue",
            role="region",
            aria_label="First steps",
            width="100%",
        ),
    )


def _region_select() -> rx.Component:
    state = ChannelAdminState
    return rx.el.select(
        *REGION_OPTIONS,
        id="channel-region",
        value=state.region,
        on_change=state.set_region,
        aria_invalid=rx.cond(state.errors.get("region", "") != "", "true", "false"),
        aria_describedby=error_id("channel-region"),
        style={"width": "100%", "padding": "0.45em", "border_radius": "6px"},
    )


def _field(label: str, html_for: str, key: str, value: Any, on_change: Any) -> rx.Component:
    error = ChannelAdminState.errors.get(key, "")
    return checked_field(label, checked_input(html_for, value, on_change, error), html_for, error)


def _business_name_field() -> rx.Component:
    """Who a first text to a consumer says is writing: the composer's checks look for it."""
    state = ChannelAdminState
    return _field(
        "Business name (a first text to a consumer should say it)",
        "channel-business-name",
        "business_name",
        state.business_name,
        state.set_business_name,
    )


def _messaging_service_field() -> rx.Component:
    """The Twilio Messaging Service texts go through (Twilio then picks the sender)."""
    state = ChannelAdminState
    return rx.vstack(
        _field(
            "Messaging Service SID (optional, MG followed by 32 hexadecimal digits)",
            "channel-messaging-service",
            "messaging_service_sid",
            state.messaging_service_sid,
            state.set_messaging_service_sid,
        ),
        rx.text(
            "With a Messaging Service, Twilio picks the number each text goes from out of the "
            "service's sender pool (the same one for a consumer, with Sticky Sender); "
            "leave it empty to send from the number the agent chooses.",
            size="1",
            color_scheme="gray",
        ),
        spacing="1",
        width="100%",
    )


def channel_section() -> rx.Component:
    state = ChannelAdminState
    return rx.vstack(
        rx.heading("SMS channel", size="4"),
        rx.text(
            rx.cond(
                state.has_channel,
                "Its name, and the region numbers typed without a country code are read in "
                "(by agents under Other, for provider numbers and people's numbers).",
                "There is no SMS channel yet. Create it with the number agents send from.",
            ),
            size="2",
            color_scheme="gray",
        ),
        rx.el.form(
            rx.vstack(
                _field("Channel name", "channel-name", "name", state.name, state.set_name),
                checked_field(
                    "Default region",
                    _region_select(),
                    "channel-region",
                    state.errors.get("region", ""),
                ),
                _business_name_field(),
                rx.cond(state.has_channel, _messaging_service_field()),
                rx.cond(
                    ~state.has_channel,
                    rx.vstack(
                        _field(
                            "First sending number (E.164, e.g. +1 415 555 0100)",
                            "channel-number",
                            "number",
                            state.number,
                            state.set_number,
                        ),
                        _field(
                            "Its label (e.g. Support line)",
                            "channel-label",
                            "label",
                            state.label,
                            state.set_label,
                        ),
                        spacing="2",
                        width="100%",
                    ),
                ),
                error_callout(state.error, width="100%"),
                rx.button(
                    rx.cond(state.has_channel, "Save channel", "Create channel"), type="submit"
                ),
                spacing="2",
                width="100%",
            ),
            on_submit=lambda _: state.save(),
            reset_on_submit=False,
            width="100%",
        ),
        spacing="3",
        max_width="46em",
        width="100%",
    )
