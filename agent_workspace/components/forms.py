"""Form controls with real labels: accessible, and what tests select by."""

from __future__ import annotations

from typing import Any

import reflex as rx

from agent_workspace.state.views import Choice

# Read by screen readers, not shown: table captions and headers of action columns.
VISUALLY_HIDDEN = {
    "position": "absolute",
    "width": "1px",
    "height": "1px",
    "overflow": "hidden",
    "clip": "rect(0 0 0 0)",
    "white_space": "nowrap",
}


def field(label: str, control: rx.Component, html_for: str) -> rx.Component:
    return rx.vstack(rx.el.label(label, html_for=html_for), control, spacing="1", width="100%")


def _option(choice: Choice) -> rx.Component:
    return rx.el.option(choice.label, value=choice.value, disabled=choice.disabled)


def native_select(
    id_: str, value: Any, options: Any, on_change: Any, placeholder: str
) -> rx.Component:
    """A native select of `Choice` options, with a disabled placeholder."""
    return rx.el.select(
        rx.el.option(placeholder, value="", disabled=True),
        rx.foreach(options, _option),
        id=id_,
        value=value,
        on_change=on_change,
        style={
            "width": "100%",
            "padding": "0.45em",
            "border_radius": "6px",
            "border": "1px solid var(--gray-7)",
            "background": "var(--color-background)",
        },
    )


def plain_list(items: Any, item: Any, label: Any) -> rx.Component:
    """A named list (`ul` with an aria-label) with no bullets or indent of its own."""
    return rx.el.ul(
        rx.foreach(items, item), aria_label=label, style={"padding": "0", "margin": "0"}
    )


def error_id(html_for: str) -> str:
    return f"{html_for}-error"


def sent_at_once(field: rx.Component) -> rx.Component:
    """Each keystroke goes to the server at once, not after Reflex's 300 ms debounce: a click
    on the form's button right after typing (or a push the tab answers) then comes after the
    text on the server, in the order the agent acted. A debounced field had lost what was
    typed to the Save or Add that followed it."""
    return rx.debounce_input(field, debounce_timeout=0)


def checked_input(html_for: str, value: Any, on_change: Any, error: Any, **props: Any) -> Any:
    """An input that says when it is wrong: aria-invalid, and described by its error text."""
    return sent_at_once(
        rx.input(
            id=html_for,
            value=value,
            on_change=on_change,
            aria_invalid=rx.cond(error != "", "true", "false"),
            aria_describedby=error_id(html_for),
            width="100%",
            **props,
        )
    )


def checked_field(label: str, control: rx.Component, html_for: str, error: Any) -> rx.Component:
    """A labelled control with its problem written next to it (always present, so the control's
    aria-describedby always points at something; empty when all is well)."""
    return rx.vstack(
        rx.el.label(label, html_for=html_for),
        control,
        rx.text(error, id=error_id(html_for), size="2", color_scheme="red", role="status"),
        spacing="1",
        width="100%",
    )


def badge(*children: Any, **props: Any) -> rx.Component:
    """A badge whose text keeps WCAG AA contrast (Radix's soft amber/green/orange do not)."""
    return rx.badge(*children, **{"high_contrast": True, **props})


def callout(*children: Any, **props: Any) -> rx.Component:
    return rx.callout(*children, **{"high_contrast": True, **props})


def error_text(message: Any, *, size: str = "2", when: Any = None, **props: Any) -> rx.Component:
    """What went wrong, in red and read out as it appears (role=alert); nothing while
    `message` is empty (or while `when` is false, when given)."""
    return rx.cond(
        message != "" if when is None else when,
        rx.text(message, size=size, color_scheme="red", role="alert", **props),
    )


def error_callout(message: Any, *, when: Any = None, **props: Any) -> rx.Component:
    """`error_text` as a callout, for a problem with a whole form or page."""
    return rx.cond(
        message != "" if when is None else when,
        callout(message, color_scheme="red", role="alert", **props),
    )


def callout_root(*children: Any, **props: Any) -> rx.Component:
    return rx.callout.root(*children, **{"high_contrast": True, **props})


def once_loaded(what: str, form: rx.Component) -> rx.Component:
    """`form` only once the page's on_load has run. Until then the tab shows the state it had
    before a reload or reconnect, and the load (which decides the form afresh) would reset
    whatever the agent opened or typed in between: "Loading <what>" holds its place (and
    assets/workspace.js keeps a shortcut pressed meanwhile until the form is there)."""
    return rx.cond(
        rx.State.is_hydrated,
        form,
        rx.text(
            f"Loading {what}…",
            role="status",
            aria_label=f"Loading {what}",
            size="2",
            color_scheme="gray",
            custom_attrs={"data-aw-loading": what},
        ),
    )


def edit_delete_cell(edit: Any, delete: Any, name: Any) -> rx.Component:
    """The row actions of an administration table: Edit and Delete, named for the row."""
    return rx.table.cell(
        rx.hstack(
            rx.button("Edit", size="1", variant="soft", on_click=edit, aria_label="Edit " + name),
            rx.button(
                "Delete",
                size="1",
                variant="soft",
                color_scheme="red",
                on_click=delete,
                aria_label="Delete " + name,
            ),
            spacing="2",
        )
    )


def row_table(
    state: Any,
    *,
    heading: str,
    intro: str,
    caption: str,
    headers: tuple[str, ...],
    rows: Any,
    row: Any,
    noun: str,
    fields: tuple[rx.Component, ...],
    empty: str = "",
    max_width: str = "30em",
) -> rx.Component:
    """An administration table edited a row at a time (state.TableForm): the rows with their
    actions, the table's problem, and the row form below (New or Edit `noun`, Save, Cancel)."""
    return rx.vstack(
        rx.heading(heading, size="4"),
        rx.text(intro, size="2", color_scheme="gray"),
        rx.table.root(
            rx.el.caption(caption, style=VISUALLY_HIDDEN),
            rx.table.header(
                rx.table.row(
                    *[rx.table.column_header_cell(h) for h in headers],
                    rx.table.column_header_cell(rx.el.span("Actions", style=VISUALLY_HIDDEN)),
                )
            ),
            rx.table.body(rx.foreach(rows, row)),
            width="100%",
        ),
        *(
            [rx.cond(rows.length() == 0, rx.text(empty, size="2", color_scheme="gray"))]
            * bool(empty)
        ),
        error_callout(state.error, width="100%"),
        rx.vstack(
            rx.heading(rx.cond(state.editing_id != 0, f"Edit {noun}", f"New {noun}"), size="3"),
            *fields,
            rx.hstack(
                rx.button(f"Save {noun}", on_click=state.save),
                rx.cond(
                    state.editing_id != 0,
                    rx.button("Cancel", on_click=state.cancel, variant="soft", color_scheme="gray"),
                ),
                spacing="2",
            ),
            spacing="2",
            max_width=max_width,
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


def confirm_callout(
    message: Any, action: str, on_confirm: Any, on_cancel: Any, **button: Any
) -> rx.Component:
    """What a Send, Save or Transfer would do that the agent did not mean, with "<action>
    anyway" and "Don't <action>" (the service asked; its confirmation goes back with it)."""
    return rx.cond(
        message != "",
        callout_root(
            rx.callout.text(message),
            rx.hstack(
                rx.button(
                    f"{action} anyway",
                    on_click=on_confirm,
                    color_scheme="orange",
                    high_contrast=True,
                    **button,
                ),
                rx.button(
                    f"Don't {action.lower()}",
                    on_click=on_cancel,
                    variant="soft",
                    color_scheme="gray",
                ),
                spacing="2",
            ),
            color_scheme="orange",
            role="alertdialog",
            aria_label=f"Confirm {action}",
            width="100%",
        ),
    )
