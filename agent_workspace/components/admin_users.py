"""Administration section: accounts and their roles."""

from __future__ import annotations

from typing import Any

import reflex as rx

from agent_workspace.components.forms import (
    VISUALLY_HIDDEN,
    checked_field,
    checked_input,
    error_callout,
    error_id,
    native_select,
)
from agent_workspace.models import Role
from agent_workspace.state.admin_offboarding import OffboardingState, OpenWork
from agent_workspace.state.admin_users import ROLE_NAMES, UserItem, UsersAdminState

S = UsersAdminState
OFF = OffboardingState


def _role_box(item: UserItem, role: str, held: Any) -> rx.Component:
    return rx.checkbox(
        checked=held,
        on_change=lambda on: OFF.change_role(item.username, role, on),
        aria_label=f"{ROLE_NAMES[role]} role for {item.username}",
        disabled=~item.is_active,
    )


def _user_row(item: UserItem) -> rx.Component:
    return rx.table.row(
        rx.table.cell(item.username),
        rx.table.cell(item.display_name),
        rx.table.cell(_role_box(item, Role.AGENT.value, item.agent)),
        rx.table.cell(_role_box(item, Role.SUPERVISOR.value, item.supervisor)),
        rx.table.cell(_role_box(item, Role.ADMIN.value, item.admin)),
        rx.table.cell(
            rx.cond(
                item.is_active,
                rx.cond(item.paused, "Sign-in paused", "Active"),
                "Deactivated",
            )
        ),
        rx.table.cell(
            rx.hstack(
                rx.button(
                    "Reset password",
                    size="1",
                    variant="soft",
                    on_click=S.start_reset(item.username),
                    aria_label=f"Reset password of {item.username}",
                ),
                rx.cond(
                    item.paused,
                    rx.button(
                        "Unlock sign-in",
                        size="1",
                        variant="soft",
                        on_click=S.unlock(item.username),
                        aria_label=f"Unlock sign-in of {item.username}",
                    ),
                ),
                rx.cond(
                    item.is_active,
                    rx.button(
                        "Deactivate",
                        size="1",
                        variant="soft",
                        color_scheme="red",
                        on_click=OFF.ask_deactivate(item.username),
                        aria_label=f"Deactivate {item.username}",
                    ),
                    rx.hstack(
                        rx.button(
                            "Reactivate",
                            size="1",
                            variant="soft",
                            on_click=OFF.reactivate(item.username),
                            aria_label=f"Reactivate {item.username}",
                        ),
                        rx.button(
                            "Open work",
                            size="1",
                            variant="soft",
                            on_click=OFF.show_work(item.username),
                            aria_label=f"Open work of {item.username}",
                        ),
                        spacing="2",
                    ),
                ),
                spacing="2",
            )
        ),
    )


def _open_work(item: OpenWork) -> rx.Component:
    return rx.el.li(rx.link(item.number, href=item.link), " · ", item.person)


def _deactivated_panel() -> rx.Component:
    """A deactivated account's open interactions, handed on here (an administrator cannot
    open the supervisor board)."""
    return rx.cond(
        OFF.work_of != "",
        rx.box(
            rx.cond(
                OFF.open_work.length() > 0,
                rx.vstack(
                    rx.text(OFF.work_of + " still holds these open interactions:"),
                    rx.el.ul(rx.foreach(OFF.open_work, _open_work)),
                    rx.hstack(
                        rx.el.label("Hand them to", html_for="hand-to"),
                        native_select(
                            "hand-to", OFF.hand_to, OFF.agents, OFF.set_hand_to, "Choose an agent"
                        ),
                        rx.button("Reassign", on_click=OFF.hand_on, size="2"),
                        align="center",
                        spacing="2",
                        wrap="wrap",
                    ),
                    spacing="2",
                ),
                rx.text(OFF.work_of + " holds no open interactions."),
            ),
            role="status",
            aria_label="Open work",
            background="var(--amber-3)",
            padding="0.75em",
            border_radius="6px",
            width="100%",
        ),
    )


def _confirm_dialog() -> rx.Component:
    """Deactivating and removing a role end the account's sessions: asked first."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(
                rx.cond(OFF.asking == "deactivate", "Deactivate account", "Remove role")
            ),
            rx.alert_dialog.description(OFF.question, size="2"),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button("Cancel", on_click=OFF.cancel, variant="soft", color_scheme="gray")
                ),
                rx.alert_dialog.action(
                    rx.button(
                        rx.cond(OFF.asking == "deactivate", "Deactivate", "Remove role"),
                        on_click=OFF.confirm,
                        color_scheme="red",
                    )
                ),
                spacing="2",
                justify="end",
                margin_top="1em",
            ),
        ),
        open=OFF.asking != "",
    )


def _reset_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Reset password for " + S.reset_for),
            rx.dialog.description(
                "They are signed out everywhere and sign in with the new password.", size="2"
            ),
            rx.vstack(
                checked_field(
                    "New password",
                    checked_input(
                        "reset-password",
                        S.reset_password,
                        S.set_reset_password,
                        S.reset_error,
                        type="password",
                        auto_complete="new-password",
                    ),
                    "reset-password",
                    S.reset_error,
                ),
                rx.hstack(
                    rx.button("Set password", on_click=S.save_reset),
                    rx.button(
                        "Cancel", on_click=S.cancel_reset, variant="soft", color_scheme="gray"
                    ),
                    spacing="2",
                ),
                spacing="3",
                margin_top="1em",
            ),
        ),
        open=S.reset_for != "",
        on_open_change=lambda _: S.cancel_reset(),
    )


def _text_field(label: str, name: str, **props: object) -> rx.Component:
    control_id = f"new-user-{name.replace('_', '-')}"
    return checked_field(
        label,
        checked_input(
            control_id,
            S.form[name],
            lambda value: S.set_form(name, value),
            S.problems[name],
            **props,
        ),
        control_id,
        S.problems[name],
    )


def _create_form() -> rx.Component:
    return rx.vstack(
        rx.heading("Create a user", size="3"),
        _text_field("Username", "username", auto_complete="off"),
        _text_field("Name", "display_name", auto_complete="off"),
        _text_field("E-mail (optional)", "email", auto_complete="off"),
        _text_field(
            "Password (at least 12 characters, hard to guess)",
            "password",
            type="password",
            auto_complete="new-password",
        ),
        rx.el.fieldset(
            rx.el.legend("Roles"),
            rx.hstack(
                *[
                    rx.checkbox(
                        name,
                        checked=S.form_roles.contains(value),
                        on_change=lambda on, value=value: S.toggle_form_role(value, on),
                    )
                    for value, name in ROLE_NAMES.items()
                ],
                spacing="4",
            ),
            aria_describedby=error_id("new-user-roles"),
            style={"border": "none", "padding": "0"},
        ),
        rx.text(
            S.problems["roles"],
            id=error_id("new-user-roles"),
            size="2",
            color_scheme="red",
            role="status",
        ),
        rx.button("Create user", on_click=S.create),
        spacing="2",
        max_width="30em",
        width="100%",
    )


def users_section() -> rx.Component:
    headers = ("Username", "Name", "Agent", "Supervisor", "Administrator", "Status")
    return rx.vstack(
        rx.heading("Users and roles", size="4"),
        rx.table.root(
            rx.el.caption("Users", style=VISUALLY_HIDDEN),
            rx.table.header(
                rx.table.row(
                    *[rx.table.column_header_cell(h) for h in headers],
                    rx.table.column_header_cell(rx.el.span("Actions", style=VISUALLY_HIDDEN)),
                )
            ),
            rx.table.body(rx.foreach(S.accounts, _user_row)),
            width="100%",
        ),
        error_callout(S.error, width="100%"),
        _deactivated_panel(),
        _reset_dialog(),
        _confirm_dialog(),
        _create_form(),
        spacing="3",
        width="100%",
    )
