"""The list pane: My Interactions (or the queue, unassigned, All Interactions), search, filters,
rows with the last message, its time and unread count; New opens an interaction."""

from __future__ import annotations

from typing import Any

import reflex as rx

from agent_workspace.components.forms import VISUALLY_HIDDEN, badge, error_callout, native_select
from agent_workspace.components.layout import CONVERSATIONS_ID, TIME_TITLE
from agent_workspace.components.shortcuts import SEARCH_ID, aria_keys, shortcuts_dialog
from agent_workspace.components.sla import sla_badge, sla_timer
from agent_workspace.domain.inputs import SEARCH_CHARS
from agent_workspace.state.interaction_page import InteractionPageState
from agent_workspace.state.interactions import MyInteractionsState
from agent_workspace.state.live import AgentListFeed, LabelItem, ListsFeed, RowItem
from agent_workspace.state.person_form import PersonFormState
from agent_workspace.state.workspace import SORTS, STATES, TYPES, WorkspaceState

DAY_MS = 24 * 3600 * 1000


def _when(iso: Any) -> rx.Component:
    """Relative within a day ("2 min ago"), else the date, in the browser's time zone."""
    return rx.moment(
        iso,
        from_now_during=DAY_MS,
        format="D MMM",
        interval=30000,
        with_title=True,
        title_format=TIME_TITLE,
    )


def _label_badge(label: LabelItem) -> rx.Component:
    return badge(label.name, color_scheme=label.colour, variant="soft", size="1")


def _row(item: RowItem) -> rx.Component:
    selected = InteractionPageState.interaction_id == item.id
    return rx.el.li(
        rx.link(
            rx.vstack(
                rx.hstack(
                    rx.text(item.person_name, weight="bold", size="2", trim="both"),
                    rx.spacer(),
                    rx.text(_when(item.last_at), size="1", color="var(--gray-11)"),
                    width="100%",
                    align="center",
                ),
                rx.hstack(
                    rx.cond(
                        (item.preview == "") & (item.about != ""),
                        # No message yet: what the interaction is about.
                        rx.text(
                            item.about,
                            size="2",
                            color="var(--gray-11)",
                            style={"overflow": "hidden", "text_overflow": "ellipsis"},
                            font_style="italic",
                            white_space="nowrap",
                            flex="1",
                        ),
                        rx.text(
                            item.preview,
                            size="2",
                            color=rx.cond(item.awaiting, "var(--gray-12)", "var(--gray-11)"),
                            weight=rx.cond(item.awaiting, "medium", "regular"),
                            style={"overflow": "hidden", "text_overflow": "ellipsis"},
                            white_space="nowrap",
                            flex="1",
                        ),
                    ),
                    rx.cond(
                        item.unread > 0,
                        badge(
                            item.unread,
                            color_scheme="red",
                            variant="solid",
                            radius="full",
                            aria_label=f"{item.unread} unread",
                        ),
                    ),
                    width="100%",
                    align="center",
                ),
                rx.hstack(
                    # The type first: a phone call and the SMS conversation Send opened from it
                    # are one person's two rows.
                    badge(
                        item.kind,
                        variant=rx.cond(item.kind == "SMS", "solid", "outline"),
                        color_scheme=rx.cond(item.kind == "SMS", "blue", "gray"),
                        size="1",
                    ),
                    rx.text(item.number, size="1", color="var(--gray-11)"),
                    rx.text(item.state, size="1", color="var(--gray-11)"),
                    rx.cond(
                        item.awaiting,
                        badge("Awaiting reply", color_scheme="amber", size="1"),
                    ),
                    rx.cond(item.failed, badge("Last text failed", color_scheme="red", size="1")),
                    rx.cond(item.virtual_agent, badge("Virtual agent", size="1")),
                    rx.cond(item.scheduled, badge("Scheduled", color_scheme="blue", size="1")),
                    sla_badge(item.sla_text, item.sla_status),
                    rx.foreach(item.labels, _label_badge),
                    spacing="2",
                    wrap="wrap",
                    align="center",
                ),
                spacing="1",
                width="100%",
            ),
            href=f"/interactions/{item.id}",
            underline="none",
            color="inherit",
            aria_current=rx.cond(selected, "page", "false"),
            display="block",
            padding="0.6em 0.75em",
            border_radius="8px",
            background=rx.cond(
                selected, "var(--accent-4)", rx.cond(item.awaiting, "var(--amber-2)", "transparent")
            ),
            border_left=rx.cond(item.awaiting, "3px solid var(--amber-9)", "3px solid transparent"),
        ),
        list_style="none",
    )


def _filters() -> rx.Component:
    state = WorkspaceState
    return rx.vstack(
        rx.el.label("Search interactions", html_for=SEARCH_ID, style=VISUALLY_HIDDEN),
        rx.input(
            id=SEARCH_ID,
            aria_keyshortcuts=aria_keys(SEARCH_ID),
            placeholder="Search interactions (number, person, phone, text)",
            value=state.search,
            on_change=state.set_search.debounce(300),
            max_length=SEARCH_CHARS,
            type="search",
            width="100%",
            aria_label="Search interactions",
        ),
        rx.hstack(
            _select("list-scope", "Show", state.scope, state.scope_options, state.set_scope),
            _select(
                "list-state", "Open or closed", state.state_filter, STATES, state.set_state_filter
            ),
            width="100%",
        ),
        rx.hstack(
            _select("list-type", "Type", state.type_filter, TYPES, state.set_type_filter),
            _select("list-sort", "Sort", state.sort, SORTS, state.set_sort),
            width="100%",
        ),
        rx.hstack(
            _select(
                "list-label",
                "Label",
                state.label_filter,
                state.label_options,
                state.set_label_filter,
            ),
            width="100%",
        ),
        spacing="2",
        width="100%",
    )


def _select(id_: str, label: str, value: Any, options: Any, on_change: Any) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=id_, style={"font_size": "0.75em", "color": "var(--gray-11)"}),
        native_select(id_, value, options, on_change, label),
        spacing="0",
        width="50%",
    )


def _trigger(version: Any, handler: Any) -> rx.Component:
    return rx.box(rx.el.span(on_mount=handler), key=version, display="none")


def list_pane() -> rx.Component:
    state = WorkspaceState
    return rx.vstack(
        rx.hstack(
            rx.heading(state.list_title, size="4", as_="h2"),
            rx.spacer(),
            rx.button(
                "New", on_click=[MyInteractionsState.open_new, PersonFormState.cancel], size="2"
            ),
            shortcuts_dialog(),
            width="100%",
            align="center",
        ),
        _filters(),
        error_callout(state.list_error, width="100%"),
        rx.el.ul(
            rx.foreach(state.rows, _row),
            aria_label=state.list_title,
            id=CONVERSATIONS_ID,  # the skip link's target: the next Tab is the first row
            tab_index=-1,
            style={"padding": "0", "margin": "0", "width": "100%", "outline": "none"},
        ),
        rx.cond(
            state.rows.length() == 0,
            rx.text("Nothing here.", color_scheme="gray", size="2"),
        ),
        rx.cond(
            state.has_more,
            rx.button("Show more", on_click=state.load_more, variant="soft", width="100%"),
        ),
        rx.el.details(
            rx.el.summary("Notifications", style={"cursor": "pointer", "font_size": "0.85em"}),
            rx.vstack(
                rx.checkbox(
                    "Sound on new messages",
                    checked=state.notify_sound,
                    on_change=state.set_notify_sound,
                    size="1",
                ),
                rx.checkbox(
                    "Browser notifications",
                    checked=state.notify_desktop,
                    on_change=state.set_notify_desktop,
                    size="1",
                ),
                padding_top="0.5em",
                spacing="2",
            ),
            style={"width": "100%"},
        ),
        # The feeds say "changed": remounting the trigger on each version makes this tab read
        # its own page (the key sits on a wrapper, so the mount handler really runs again).
        _trigger(AgentListFeed.version, state.feed_changed("agent", AgentListFeed.version)),
        _trigger(ListsFeed.version, state.feed_changed("lists", ListsFeed.version)),
        # The rows' SLA clocks said again, with no read, while some row shows one.
        rx.cond(state.sla_ticking, sla_timer(state.tick_sla)),
        spacing="3",
        width="100%",
    )
