"""Administration: the SMS channel and its provider numbers, users and roles, the profile
resolver, the attachment policy, quiet hours, canned replies, labels, service levels and the
audit log, one tab each
(admins only; every handler re-checks). A fresh install shows its first steps above the tabs."""

from __future__ import annotations

import reflex as rx

from agent_workspace.components.admin_assignment import assignment_section
from agent_workspace.components.admin_business_hours import (
    auto_reply_section,
    business_hours_section,
)
from agent_workspace.components.admin_channel import numbers_section, resolver_section
from agent_workspace.components.admin_consent import stop_policy_section
from agent_workspace.components.admin_import import import_section
from agent_workspace.components.admin_labels import labels_section
from agent_workspace.components.admin_quiet import quiet_hours_section
from agent_workspace.components.admin_replies import audit_section, replies_section
from agent_workspace.components.admin_setup import channel_section, first_steps
from agent_workspace.components.admin_sla import sla_section
from agent_workspace.components.admin_users import users_section
from agent_workspace.components.forms import error_callout, field
from agent_workspace.components.layout import role_page
from agent_workspace.state.admin import AdminState, TypeOption
from agent_workspace.state.admin_audit import AUDIT_TAB, AuditAdminState
from agent_workspace.state.admin_setup import ChannelAdminState
from agent_workspace.state.admin_sla import SLA_TAB, SlaAdminState

ROUTE = "/admin"
SECTIONS = (
    ("channel", "SMS channel"),
    ("users", "Users and roles"),
    ("resolver", "Profile resolver"),
    ("attachments", "Attachment policy"),
    ("quiet", "Quiet hours"),
    ("replies", "Canned replies"),
    ("labels", "Labels"),
    (SLA_TAB, "Service levels"),
    ("import", "Import people"),
    (AUDIT_TAB, "Audit log"),
)


def _type_checkbox(option: TypeOption) -> rx.Component:
    return rx.checkbox(
        option.label,
        checked=option.allowed,
        on_change=lambda allowed: AdminState.set_type_allowed(option.value, allowed),
    )


def policy_form() -> rx.Component:
    return rx.vstack(
        rx.heading("Attachment policy", size="4"),
        rx.text(
            "Agents may attach these types (checked from the file's bytes). Twilio delivers "
            "JPEG, PNG and GIF to every handset; other types depend on the carrier.",
            size="2",
            color_scheme="gray",
        ),
        rx.el.fieldset(
            rx.el.legend("Allowed types"),
            rx.grid(rx.foreach(AdminState.types, _type_checkbox), columns="2", spacing="2"),
            style={"border": "none", "padding": "0"},
        ),
        field(
            "Size limit for all files of a message (MB)",
            rx.input(id="max-mb", value=AdminState.max_mb, on_change=AdminState.set_max_mb),
            "max-mb",
        ),
        field(
            "Files per message",
            rx.input(
                id="max-files", value=AdminState.max_files, on_change=AdminState.set_max_files
            ),
            "max-files",
        ),
        error_callout(AdminState.error, width="100%"),
        rx.button("Save policy", on_click=AdminState.save),
        spacing="3",
        width="100%",
        max_width="46em",
    )


def _alerts() -> rx.Component:
    """Texts failing because of the account or number setup (the error playbook's alerts)."""
    return rx.cond(
        AdminState.alerts.length() > 0,
        rx.callout.root(
            rx.vstack(
                rx.text("Texts are failing because of the setup", weight="bold"),
                rx.el.ul(rx.foreach(AdminState.alerts, lambda text: rx.el.li(text))),
                rx.button("Mark as read", on_click=AdminState.dismiss_alerts, size="1"),
                spacing="2",
            ),
            color_scheme="red",
            role="alert",
            width="100%",
        ),
    )


def admin_page() -> rx.Component:
    contents = {
        "channel": rx.vstack(
            channel_section(),
            rx.cond(ChannelAdminState.has_channel, numbers_section()),
            rx.cond(ChannelAdminState.has_channel, stop_policy_section()),
            rx.cond(ChannelAdminState.has_channel, assignment_section()),
            rx.cond(ChannelAdminState.has_channel, business_hours_section()),
            rx.cond(ChannelAdminState.has_channel, auto_reply_section()),
            spacing="6",
            width="100%",
        ),
        "users": users_section(),
        "resolver": resolver_section(),
        "attachments": policy_form(),
        "quiet": quiet_hours_section(),
        "replies": replies_section(),
        "labels": labels_section(),
        SLA_TAB: sla_section(),
        "import": import_section(),
        AUDIT_TAB: audit_section(),
    }
    return role_page(
        AdminState.refusal,
        rx.vstack(
            rx.heading("Administration", size="5"),
            _alerts(),
            first_steps(),
            rx.cond(
                AdminState.channel_name != "",
                rx.text("Channel: ", rx.text.strong(AdminState.channel_name)),
            ),
            rx.tabs.root(
                rx.tabs.list(*[rx.tabs.trigger(title, value=key) for key, title in SECTIONS]),
                *[
                    rx.tabs.content(contents[key], value=key, padding_top="1em")
                    for key, _ in SECTIONS
                ],
                default_value="channel",
                # Another tab may have made what a first step waits for (an agent).
                on_change=lambda tab: [
                    ChannelAdminState.load(),
                    AuditAdminState.tab_opened(tab),
                    SlaAdminState.tab_opened(tab),
                ],
                width="100%",
            ),
            padding="1.5em",
            spacing="4",
            width="100%",
        ),
    )
