"""Administration sections for the channel's business hours and its after-hours auto-reply
(issue 27 items 8 and 9)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from agent_workspace.components.forms import checked_field, error_id, error_text, sent_at_once
from agent_workspace.domain.after_hours import EXAMPLE_REPLY, MAX_REPLY_CHARS
from agent_workspace.domain.business_hours_text import EXAMPLE
from agent_workspace.state.admin_business_hours import AutoReplyAdminState, BusinessHoursAdminState


def _problem(name: str) -> Any:
    state = BusinessHoursAdminState
    return rx.cond(state.problems.contains(name), state.problems[name], "")


def _checked(
    html_for: str, name: str, control: Callable[..., rx.Component], **props: Any
) -> rx.Component:
    error = _problem(name)
    return sent_at_once(
        control(
            id=html_for,
            aria_invalid=rx.cond(error != "", "true", "false"),
            aria_describedby=error_id(html_for),
            width="100%",
            **props,
        )
    )


def business_hours_section() -> rx.Component:
    state = BusinessHoursAdminState
    return rx.vstack(
        rx.heading("Business hours", size="4"),
        rx.text(
            "When the desk is open, in the channel's time zone. Response times are counted in "
            "these hours, and the auto-reply answers texts that come outside them. Without "
            "hours the desk counts calendar time.",
            size="2",
            color_scheme="gray",
        ),
        checked_field(
            "Time zone (e.g. America/New_York)",
            _checked("hours-zone", "zone", rx.input, value=state.zone, on_change=state.set_zone),
            "hours-zone",
            _problem("zone"),
        ),
        checked_field(
            f"Opening hours (e.g. {EXAMPLE})",
            _checked("hours-week", "hours", rx.input, value=state.hours, on_change=state.set_hours),
            "hours-week",
            _problem("hours"),
        ),
        checked_field(
            "Holidays, closed all day (one a line, e.g. 2026-12-25 Christmas Day)",
            _checked(
                "hours-holidays",
                "holidays",
                rx.text_area,
                value=state.holidays,
                on_change=state.set_holidays,
                rows="4",
            ),
            "hours-holidays",
            _problem("holidays"),
        ),
        error_text(state.error, size="1"),
        rx.hstack(
            rx.button("Save business hours", on_click=state.save),
            rx.cond(
                state.is_set,
                rx.button(
                    "Clear business hours",
                    variant="soft",
                    color_scheme="red",
                    on_click=state.clear,
                ),
            ),
        ),
        spacing="3",
        width="100%",
        max_width="46em",
    )


def auto_reply_section() -> rx.Component:
    state = AutoReplyAdminState
    problem = rx.cond(state.problems.contains("text"), state.problems["text"], "")
    return rx.vstack(
        rx.heading("Auto-reply outside business hours", size="4"),
        rx.text(
            "A text that arrives while the business hours are closed gets this answer, once "
            "per conversation, sent like any message and shown in the conversation. Phones "
            "that opted out, and keywords such as STOP or HELP, get none.",
            size="2",
            color_scheme="gray",
        ),
        rx.checkbox(
            "Answer texts outside business hours",
            checked=state.enabled,
            on_change=state.set_enabled,
        ),
        error_text(state.problems["enabled"], size="1", when=state.problems.contains("enabled")),
        checked_field(
            f"Auto-reply (at most {MAX_REPLY_CHARS} characters)",
            sent_at_once(
                rx.text_area(
                    id="auto-reply-text",
                    value=state.text,
                    on_change=state.set_text,
                    placeholder=EXAMPLE_REPLY,
                    rows="3",
                    aria_invalid=rx.cond(problem != "", "true", "false"),
                    aria_describedby=error_id("auto-reply-text"),
                    width="100%",
                )
            ),
            "auto-reply-text",
            problem,
        ),
        rx.text(state.size, size="1", color_scheme="gray", aria_live="polite"),
        error_text(state.error, size="1"),
        rx.button("Save auto-reply", on_click=state.save),
        spacing="3",
        width="100%",
        max_width="46em",
    )
