"""Administration sections: shared canned replies, and the audit log."""

from __future__ import annotations

import reflex as rx

from agent_workspace.components.forms import (
    VISUALLY_HIDDEN,
    checked_field,
    checked_input,
    edit_delete_cell,
    error_callout,
    error_id,
    row_table,
)
from agent_workspace.domain.templates import PLACEHOLDERS
from agent_workspace.state.admin_audit import AuditAdminState, AuditItem
from agent_workspace.state.admin_replies import RepliesAdminState, ReplyItem
from agent_workspace.state.session import SessionState

R = RepliesAdminState
A = AuditAdminState
PLACEHOLDER_HELP = "Placeholders: " + ", ".join(
    "{" + name + "} (" + meaning + ")" for name, meaning in PLACEHOLDERS.items()
)


def _reply_row(item: ReplyItem) -> rx.Component:
    return rx.table.row(
        rx.table.cell(item.title),
        rx.table.cell(rx.text(item.body, white_space="pre-wrap", size="2")),
        edit_delete_cell(R.edit(item.id), R.delete(item.id), item.title),
    )


def replies_section() -> rx.Component:
    return row_table(
        R,
        heading="Canned replies",
        intro="Shared templates every agent can insert; agents keep personal ones beside them.",
        caption="Shared canned replies",
        headers=("Title", "Text"),
        rows=R.replies,
        row=_reply_row,
        noun="reply",
        fields=(
            checked_field(
                "Title",
                checked_input("reply-title", R.title, R.set_title, R.title_error),
                "reply-title",
                R.title_error,
            ),
            rx.el.label("Text", html_for="reply-body"),
            rx.text_area(
                id="reply-body",
                value=R.body,
                on_change=R.set_body,
                rows="4",
                width="100%",
                aria_invalid=rx.cond(R.body_error != "", "true", "false"),
                aria_describedby=f"{error_id('reply-body')} reply-help",
            ),
            rx.text(PLACEHOLDER_HELP, id="reply-help", size="1", color_scheme="gray"),
            rx.text(
                R.body_error, id=error_id("reply-body"), size="2", color_scheme="red", role="status"
            ),
        ),
        max_width="40em",
    )


def _filter(label: str, name: str, placeholder: str) -> rx.Component:
    control_id = f"audit-{name.replace('_', '-')}"
    return checked_field(
        label,
        checked_input(
            control_id,
            A.filters[name],
            lambda value: A.set_filter(name, value),
            A.problems[name],
            placeholder=placeholder,
        ),
        control_id,
        A.problems[name],
    )


def _audit_row(item: AuditItem) -> rx.Component:
    return rx.table.row(
        rx.table.cell(item.at),
        rx.table.cell(item.who),
        rx.table.cell(rx.code(item.action)),
        rx.table.cell(item.entity),
        rx.table.cell(item.interaction),
        rx.table.cell(rx.text(item.detail, size="1", word_break="break-all")),
    )


def audit_section() -> rx.Component:
    headers = ("When", "Who", "Action", "Changed", "Interaction", "Details")
    return rx.vstack(
        rx.heading("Audit log", size="4"),
        rx.text("Times and days in ", SessionState.zone_label, size="1", color="var(--gray-11)"),
        rx.grid(
            _filter("User (username)", "username", "e.g. alice"),
            _filter("Interaction number", "interaction", "e.g. IMS0001001"),
            _filter("From date", "date_from", "YYYY-MM-DD"),
            _filter("To date", "date_to", "YYYY-MM-DD"),
            columns="4",
            spacing="3",
            width="100%",
        ),
        rx.button("Filter", on_click=A.search),
        error_callout(A.error),
        rx.table.root(
            rx.el.caption("Audit log", style=VISUALLY_HIDDEN),
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
            rx.table.body(rx.foreach(A.rows, _audit_row)),
            width="100%",
        ),
        rx.hstack(
            rx.button("Newer", on_click=A.previous_page, disabled=~A.has_previous, variant="soft"),
            rx.button("Older", on_click=A.next_page, disabled=A.next_cursor == "", variant="soft"),
            spacing="2",
        ),
        spacing="3",
        width="100%",
    )
