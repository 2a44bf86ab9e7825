"""The person form (state/person_form.py): inside New, and in the person panel."""

from __future__ import annotations

from typing import Any

import reflex as rx

from agent_workspace.components.forms import callout_root, checked_field, checked_input
from agent_workspace.domain.consumer_time import zone_choices
from agent_workspace.state.person_form import NEW, PersonFormState
from agent_workspace.state.views import Choice

LABELS = (
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("mobile", "Mobile (e.g. +1 415 555 0100, or as written in their country)"),
    ("other_numbers", "Other numbers (landline, work; separate with ;)"),
    ("email", "E-mail"),
    ("account", "Account (a customer company; empty for a consumer)"),
    ("country", "Country (two letters, e.g. US; numbers without +code are read there)"),
    ("time_zone", "Time zone (e.g. Asia/Tokyo; empty: from their number)"),
)
ZONES = "person-zones"  # the datalist the time zone field suggests from


def _input(field: str, label: str) -> rx.Component:
    html_for = f"person-{field.replace('_', '-')}"
    error = PersonFormState.errors.get(field, "")
    suggest = {"custom_attrs": {"list": ZONES}, "auto_complete": "off"}
    control = checked_input(
        html_for,
        PersonFormState.values.get(field, ""),
        lambda value: PersonFormState.set_value(field, value),
        error,
        **(suggest if field == "time_zone" else {}),
    )
    return checked_field(label, control, html_for, error)


def _zones() -> rx.Component:
    """The IANA zones the time zone field suggests (a list of ~420 is easier typed than
    scrolled: "Tok" offers Asia/Tokyo); whatever is typed is checked by the server."""
    return rx.el.datalist(*[rx.el.option(value=z) for z in zone_choices()], id=ZONES)


def _offer(choice: Choice) -> rx.Component:
    state = PersonFormState
    return rx.button(
        rx.cond(
            state.purpose == NEW,
            "Use " + choice.label,
            "It is " + choice.label + ": move this conversation to them",
        ),
        on_click=state.use_offered(choice.value),
        size="2",
        variant="soft",
        high_contrast=True,
        # A person already known is offered for New, and for an unknown number's stand-in.
        display=rx.cond((state.purpose == NEW) | state.stand_in, "inline-flex", "none"),
    )


def _problem() -> rx.Component:
    state = PersonFormState
    return rx.cond(
        state.error != "",
        callout_root(
            rx.callout.text(state.error),
            rx.cond(
                state.offered.length() > 0,
                rx.flex(
                    rx.foreach(state.offered, _offer),
                    rx.button(
                        "Save anyway (share the number)",
                        on_click=state.save_shared,
                        size="2",
                        color_scheme="orange",
                        high_contrast=True,
                    ),
                    gap="2",
                    wrap="wrap",
                ),
            ),
            color_scheme=rx.cond(state.offered.length() > 0, "orange", "red"),
            role="alert",
            width="100%",
        ),
    )


def person_form(title: Any) -> rx.Component:
    state = PersonFormState
    return rx.vstack(
        rx.heading(title, size="3", as_="h3"),
        *[_input(field, label) for field, label in LABELS],
        _zones(),
        _problem(),
        rx.hstack(
            rx.button("Save person", on_click=state.save),
            rx.button("Cancel", on_click=state.cancel, variant="soft", color_scheme="gray"),
        ),
        role="group",
        aria_label="Person",
        spacing="2",
        width="100%",
    )
