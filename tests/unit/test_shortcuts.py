"""The keyboard shortcuts have one table (components/shortcuts.py): the help dialog lists it,
the page hands it to assets/workspace.js, and each target advertises its key. These checks
keep the list, the behaviour and the buttons from drifting apart."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agent_workspace.components import shortcuts
from agent_workspace.components.close import close_button
from agent_workspace.components.composer import composer
from agent_workspace.components.inbox import list_pane
from agent_workspace.components.shortcuts import SHORTCUTS, aria_keys, keymap_json
from agent_workspace.components.snooze import snooze_button
from agent_workspace.components.transfer import transfer_button

SCRIPT = Path(__file__).resolve().parents[2] / "assets" / "workspace.js"


def _props(rendered: object) -> Iterator[list[str]]:
    """Every element's props in a rendered tree (conditions and loops included)."""
    if isinstance(rendered, dict):
        if isinstance(rendered.get("props"), list):
            yield rendered["props"]
        for value in rendered.values():
            yield from _props(value)
    elif isinstance(rendered, list):
        for value in rendered:
            yield from _props(value)


def test_the_page_hands_the_script_exactly_the_table() -> None:
    assert f'"data-keymap":{json.dumps(keymap_json())}' in str(shortcuts.keymap())
    handed = json.loads(keymap_json())
    assert [(tuple(s["keys"]), s["action"], tuple(s["targets"])) for s in handed] == [
        (s.keys, s.action, s.targets) for s in SHORTCUTS
    ]


def _nodes(rendered: object, name: str) -> Iterator[dict[str, Any]]:
    if isinstance(rendered, dict):
        if rendered.get("name") == name:
            yield rendered
        for value in rendered.values():
            yield from _nodes(value, name)
    elif isinstance(rendered, list):
        for value in rendered:
            yield from _nodes(value, name)


def _text(rendered: object) -> str:
    if isinstance(rendered, dict):
        own = json.loads(rendered["contents"]) if "contents" in rendered else ""
        return own + "".join(_text(child) for child in rendered.get("children", []))
    return ""


def test_the_help_dialog_lists_exactly_the_table() -> None:
    """Row by row: the keys (each in a <kbd>) and what they do."""
    dialog = shortcuts.shortcuts_dialog().render()
    (body,) = _nodes(dialog, "RadixThemesTable.Body")
    listed = [
        (
            tuple(_text(kbd) for kbd in _nodes(row, '"kbd"')),
            _text(next(_nodes(row, "RadixThemesTable.Cell"))),
        )
        for row in _nodes(body, "RadixThemesTable.Row")
    ]
    assert listed == [(s.keys, s.does) for s in SHORTCUTS]


def test_every_action_is_one_the_script_performs() -> None:
    script = SCRIPT.read_text()
    for shortcut in SHORTCUTS:
        assert shortcut.action in shortcuts.ACTIONS
        assert re.search(rf"\n    {shortcut.action}: function", script), shortcut.action
        assert (shortcut.action == "activate") == bool(shortcut.targets)


def test_no_shortcut_hides_another() -> None:
    """Each key sequence once, and no shortcut is the start of a longer one (g alone does
    nothing but wait for i)."""
    sequences = [s.keys for s in SHORTCUTS]
    assert len(set(sequences)) == len(sequences)
    for keys in sequences:
        assert all(len(key) == 1 for key in keys)
        assert not any(other[: len(keys)] == keys for other in sequences if other != keys)


@pytest.mark.parametrize(
    "target", sorted({target for s in SHORTCUTS for target in s.targets}), ids=str
)
def test_each_target_is_on_the_page_and_advertises_its_key(target: str) -> None:
    parts = (list_pane(), composer(), snooze_button(), transfer_button(), close_button())
    found = [p for part in parts for p in _props(part.render()) if f'id:"{target}"' in p]
    assert found, f"no element with id {target}"
    assert aria_keys(target)
    assert all(f'"aria-keyshortcuts":{json.dumps(aria_keys(target))}' in p for p in found)
