"""Administration section for the SMS channel's quiet hours (issue 26 item 2)."""

from __future__ import annotations

import reflex as rx

from agent_workspace.components.forms import error_text, field
from agent_workspace.state.admin_quiet import QuietHoursAdminState


def _problem(name: str) -> rx.Component:
    state = QuietHoursAdminState
    return error_text(state.problems[name], size="1", when=state.problems.contains(name))


def quiet_hours_section() -> rx.Component:
    state = QuietHoursAdminState
    return rx.vstack(
        rx.heading("Quiet hours", size="4"),
        rx.text(
            "Texts go only inside these hours of the consumer's local time (read from their "
            "number, or the zone set on the person). Outside them Send offers to schedule the "
            "message for the next opening, or to send now with a reason that is audited.",
            size="2",
            color_scheme="gray",
        ),
        rx.checkbox("Quiet hours apply", checked=state.enabled, on_change=state.set_enabled),
        rx.hstack(
            field(
                "From (their time)",
                rx.input(
                    id="quiet-start", type="time", value=state.start, on_change=state.set_start
                ),
                "quiet-start",
            ),
            field(
                "Until (their time)",
                rx.input(id="quiet-end", type="time", value=state.end, on_change=state.set_end),
                "quiet-end",
            ),
        ),
        _problem("start"),
        _problem("end"),
        rx.checkbox(
            "US state rules (Florida, Oklahoma, Maryland, Mississippi, New Jersey 08:00-20:00; "
            "Connecticut 09:00-20:00; Texas 09:00-21:00, Sunday from noon)",
            checked=state.state_rules,
            on_change=state.set_state_rules,
        ),
        field(
            "A reply within this many hours of the consumer's last text goes at any hour",
            rx.input(id="quiet-exempt", value=state.exempt_hours, on_change=state.set_exempt_hours),
            "quiet-exempt",
        ),
        _problem("reply_exempt_hours"),
        rx.button("Save quiet hours", on_click=state.save),
        spacing="3",
        max_width="46em",
    )
