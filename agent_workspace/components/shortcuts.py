"""The workspace's keyboard shortcuts, in one table: the help dialog lists it, the buttons
advertise it (aria-keyshortcuts) and assets/workspace.js acts on it (read from the page), so
what the list says and what the keys do cannot differ.

A shortcut clicks or focuses an element that is already on the page (the first of its targets
that is shown and enabled): a key does exactly what the agent's click would, through the same
confirmations and the same access checks on the server. None fires while the agent types in a
field, with Ctrl, Alt or Meta held, or while a dialog is open; the help dialog turns them off
for this browser (WCAG 2.1.4, single-character shortcuts)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import reflex as rx

from agent_workspace.state.compose_message import BODY_ID

SNOOZE_ID = "aw-snooze"
TRANSFER_ID = "aw-transfer"
CLOSE_ID = "aw-close"
COMPOSE_ID = "compose-start"  # Compose SMS, where the composer is not open yet
SEARCH_ID = "list-search"
HELP_ID = "aw-shortcuts-open"
KEYMAP_ID = "aw-keymap"
KEYS_ON_ID = "aw-keys-on"


@dataclass(frozen=True)
class Shortcut:
    keys: tuple[str, ...]  # pressed one after the other: ("g", "i") is g, then i
    does: str  # what the help dialog says
    # What assets/workspace.js does: "next", "previous" or "first" open a row of the list;
    # "activate" focuses the first target shown (a field) or clicks it (a button).
    action: str
    targets: tuple[str, ...] = ()  # element ids, tried in order


SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut(("j",), "Next conversation in the list (from none open: the first)", "next"),
    Shortcut(("k",), "Previous conversation in the list", "previous"),
    Shortcut(("g", "i"), "First conversation in the list", "first"),
    Shortcut(("r",), "Reply: the cursor in Message", "activate", (BODY_ID, COMPOSE_ID)),
    Shortcut(("e",), "Close the interaction (asks first)", "activate", (CLOSE_ID,)),
    Shortcut(("s",), "Snooze", "activate", (SNOOZE_ID,)),
    Shortcut(("t",), "Transfer", "activate", (TRANSFER_ID,)),
    Shortcut(("/",), "Search interactions", "activate", (SEARCH_ID,)),
    Shortcut(("?",), "This list of shortcuts", "activate", (HELP_ID,)),
)
ACTIONS = ("next", "previous", "first", "activate")


def keymap_json() -> str:
    """The table as assets/workspace.js reads it."""
    return json.dumps(
        [{"keys": list(s.keys), "action": s.action, "targets": list(s.targets)} for s in SHORTCUTS]
    )


def aria_keys(target: str) -> str:
    """aria-keyshortcuts for the element `target`: its one-key shortcuts (Shift where the
    character needs it on a US keyboard)."""
    keys = [s.keys[0] for s in SHORTCUTS if target in s.targets and len(s.keys) == 1]
    return " ".join("Shift+?" if key == "?" else key for key in keys)


def keymap() -> rx.Component:
    """The table on the page, for assets/workspace.js (shortcuts work only where it is)."""
    return rx.el.div(id=KEYMAP_ID, hidden=True, custom_attrs={"data-keymap": keymap_json()})


KBD = {
    "font_family": "var(--code-font-family)",
    "padding": "0.1em 0.45em",
    "border": "1px solid var(--gray-7)",
    "border_radius": "4px",
    "background": "var(--gray-2)",
}


def _keys(shortcut: Shortcut) -> rx.Component:
    parts: list[rx.Component | str] = []
    for i, key in enumerate(shortcut.keys):
        if i:
            parts.append(" then ")
        parts.append(rx.el.kbd(key, style=KBD))
    return rx.table.row_header_cell(*parts, white_space="nowrap")


def shortcuts_dialog() -> rx.Component:
    """ "Keyboard shortcuts" (or ?): the table, and the switch that turns them off."""
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.icon_button(
                rx.icon("keyboard", size=16),
                id=HELP_ID,
                variant="soft",
                size="2",
                aria_label="Keyboard shortcuts",
                title="Keyboard shortcuts (?)",
                aria_haspopup="dialog",
                aria_keyshortcuts=aria_keys(HELP_ID),
            )
        ),
        rx.dialog.content(
            rx.dialog.title("Keyboard shortcuts"),
            rx.dialog.description(
                "Single keys, away from any field; Esc closes a dialog.", size="2"
            ),
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell("Keys"),
                        rx.table.column_header_cell("Does"),
                    )
                ),
                rx.table.body(
                    *[
                        rx.table.row(_keys(shortcut), rx.table.cell(shortcut.does))
                        for shortcut in SHORTCUTS
                    ]
                ),
                size="1",
                aria_label="Shortcuts",
                margin_y="1em",
            ),
            rx.el.label(
                # The browser keeps the choice (assets/workspace.js); on until turned off.
                rx.el.input(type="checkbox", id=KEYS_ON_ID, default_checked=True),
                " Use single-key shortcuts",
                style={"display": "flex", "gap": "0.5em", "align_items": "center"},
            ),
            rx.hstack(
                rx.dialog.close(rx.button("Close", variant="soft", color_scheme="gray")),
                justify="end",
                margin_top="1em",
            ),
        ),
    )
