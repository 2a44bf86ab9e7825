"""The Details tab (what the interaction is about, editable) and the person's panel."""

from __future__ import annotations

import reflex as rx

from agent_workspace.components.forms import (
    badge,
    callout,
    confirm_callout,
    error_callout,
    error_id,
    error_text,
    native_select,
    once_loaded,
    plain_list,
    sent_at_once,
)
from agent_workspace.components.person_form import person_form
from agent_workspace.state.conversation_feed import ConversationFeed
from agent_workspace.state.details import ConsentItem, DetailsState, NumberItem, OtherItem
from agent_workspace.state.interaction_page import InteractionPageState
from agent_workspace.state.person_form import EDIT, PersonFormState
from agent_workspace.state.views import Choice

LABEL = {"font_size": "0.85em", "font_weight": "500"}


def _field(label: str, html_for: str, control: rx.Component, error: object = None) -> rx.Component:
    parts = [rx.el.label(label, html_for=html_for, style=LABEL), control]
    if error is not None:
        parts.append(error_text(error, size="1", id=error_id(html_for)))
    return rx.vstack(*parts, spacing="1", width="100%")


def _person_result(choice: Choice) -> rx.Component:
    return rx.el.li(
        rx.button(
            choice.label,
            on_click=DetailsState.choose_person(choice.value, choice.label),
            variant="ghost",
            size="1",
            width="100%",
            justify="start",
        ),
        list_style="none",
    )


def _person() -> rx.Component:
    state = DetailsState
    return rx.vstack(
        rx.el.label("Person", html_for="details-person", style=LABEL),
        rx.text(
            rx.cond(state.person_label != "", state.person_label, "No person yet"),
            size="2",
            weight="medium",
        ),
        rx.input(
            id="details-person",
            value=state.person_query,
            on_change=state.search_person.debounce(250),
            placeholder="Find another person by name or number",
            width="100%",
            aria_label="Find a person",
        ),
        rx.cond(
            state.person_results.length() > 0,
            plain_list(state.person_results, _person_result, "People found"),
        ),
        spacing="1",
        width="100%",
    )


def details_form() -> rx.Component:
    state = DetailsState
    return rx.vstack(
        rx.heading("Details", size="4", as_="h2"),
        _person(),
        rx.vstack(
            rx.text("Account", style=LABEL),
            rx.text(rx.cond(state.account != "", state.account, "—"), size="2"),
            spacing="1",
        ),
        _field(
            "Linked case",
            "details-case",
            sent_at_once(
                rx.input(
                    id="details-case",
                    value=state.case_number,
                    on_change=state.set_case_number,
                    placeholder="CS0001001",
                    width="100%",
                    aria_invalid=rx.cond(state.case_error != "", "true", "false"),
                    aria_describedby="details-case-error",
                )
            ),
            state.case_error,
        ),
        _field(
            "Short description",
            "details-description",
            sent_at_once(
                rx.input(
                    id="details-description",
                    value=state.short_description,
                    on_change=state.set_short_description,
                    width="100%",
                    aria_invalid=rx.cond(state.description_error != "", "true", "false"),
                    aria_describedby="details-description-error",
                )
            ),
            state.description_error,
        ),
        _field(
            "State",
            "details-state",
            native_select(
                "details-state",
                state.state_value,
                state.state_options,
                state.set_state_value,
                "Choose a state",
            ),
        ),
        rx.vstack(
            rx.text("Assigned to", style=LABEL),
            rx.text(
                rx.cond(state.assigned_to != "", state.assigned_to, "Unassigned"),
                size="2",
                aria_label="Assigned to",
            ),
            spacing="1",
        ),
        rx.vstack(
            rx.text("Live group", style=LABEL),
            rx.text(ConversationFeed.info.members, size="2", aria_label="Live group"),
            spacing="1",
        ),
        error_callout(state.save_error, size="1", width="100%"),
        _confirm_save(),
        rx.button("Save", on_click=state.save, size="2"),
        # Picked up, reassigned, closed or saved elsewhere: the form shows it at once.
        rx.box(
            rx.el.span(on_mount=state.follow(ConversationFeed.details)),
            key=ConversationFeed.details,
            display="none",
        ),
        spacing="3",
        width="100%",
    )


def _confirm_save() -> rx.Component:
    """A Save that moves the number to another person asks first, as Send does."""
    state = DetailsState
    return confirm_callout(state.confirm, "Save", state.save_confirmed, state.cancel_confirm)


def _number(item: NumberItem) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.text(item.number, size="2"),
            badge(item.kind, variant="outline", size="1"),
            rx.cond(item.opted_out != "", badge(item.opted_out, color_scheme="orange", size="1")),
            spacing="2",
            wrap="wrap",
        ),
        list_style="none",
    )


def _other(item: OtherItem) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.link(item.number, href=f"/interactions/{item.id}", size="2"),
            rx.text(item.type, size="1", color_scheme="gray"),
            badge(item.state, size="1", color_scheme=rx.cond(item.active, "green", "gray")),
            spacing="2",
            align="center",
        ),
        list_style="none",
    )


def _consent(item: ConsentItem) -> rx.Component:
    return rx.el.li(
        rx.text(
            rx.moment(item.at, format="YYYY-MM-DD HH:mm", with_title=True),
            " · ",
            item.what,
            " · ",
            item.number,
            size="1",
        ),
        rx.text(item.source, size="1", color="var(--gray-11)"),
        list_style="none",
    )


def _consent_history() -> rx.Component:
    """Every opt-out and opt-in of their numbers, newest first, with its source (issue 26)."""
    state = DetailsState
    return rx.cond(
        state.consent.length() > 0,
        rx.vstack(
            rx.text("Consent history", style=LABEL),
            plain_list(state.consent, _consent, "Consent history"),
            spacing="1",
            width="100%",
        ),
    )


def person_panel() -> rx.Component:
    state = DetailsState
    return rx.vstack(
        rx.heading(
            rx.cond(state.person_label != "", state.person_label, "Person"), size="3", as_="h2"
        ),
        rx.text("Numbers", style=LABEL),
        plain_list(state.numbers, _number, "Numbers"),
        rx.cond(state.numbers.length() == 0, rx.text("No numbers.", size="1", color_scheme="gray")),
        _time_zone(),
        _consent_history(),
        rx.text("Other interactions", style=LABEL),
        plain_list(state.others, _other, "Other interactions"),
        rx.cond(state.others.length() == 0, rx.text("None.", size="1", color_scheme="gray")),
        _edit_person(),
        spacing="2",
        width="100%",
    )


def _time_zone() -> rx.Component:
    """Which zone their time is read in, or, for a number in several, a nudge to set one."""
    state = DetailsState
    return rx.fragment(
        rx.cond(
            state.zone_label != "",
            rx.vstack(
                rx.text("Time zone", style=LABEL),
                rx.text(state.zone_label, size="2", aria_label="Time zone"),
                spacing="1",
            ),
        ),
        rx.cond(
            state.zone_hint != "",
            callout(state.zone_hint, color_scheme="amber", size="1", width="100%", role="note"),
        ),
    )


def _edit_person() -> rx.Component:
    """Edit the person (names, numbers, e-mail, account); an unknown number's stand-in is
    saved as a person, or said to be someone already known."""
    unknown = DetailsState.person_label.contains("Unknown (")
    return rx.cond(
        PersonFormState.purpose == EDIT,
        person_form(rx.cond(unknown, "Save as a person", "Edit person")),
        rx.cond(
            DetailsState.person_label != "",
            rx.button(
                rx.cond(unknown, "Save as a person", "Edit person"),
                on_click=PersonFormState.start_edit,
                variant="soft",
                size="2",
            ),
        ),
    )


def details_pane() -> rx.Component:
    return rx.vstack(
        rx.button(
            "Back to conversation",
            on_click=InteractionPageState.show_pane("conversation"),
            variant="ghost",
            size="2",
            display=rx.breakpoints(initial="inline-flex", lg="none"),
        ),
        once_loaded("the details", details_form()),
        rx.separator(),
        person_panel(),
        spacing="4",
        width="100%",
    )
