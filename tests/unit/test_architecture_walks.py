"""docs/architecture.md's walks stay true: every `file -> function` they name exists, the
steps are numbered in order, and the counts the page states are those of its lists."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "agent_workspace"
DOC = ROOT / "docs" / "architecture.md"
REF = re.compile(r"`([\w/]+\.py) -> ([\w.]+)`")
STEP = re.compile(r"^(\d+)\. `([\w/]+\.py) -> ([\w.]+)`", re.MULTILINE)
WALKS = ("A", "B", "C")


def _section(walk: str) -> str:
    text = DOC.read_text()
    start = text.index(f"## Walk {walk}:")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


@functools.cache
def _defined(path: Path) -> frozenset[str]:
    """Top-level functions and classes as `name`, methods as `Class.method`."""
    names: set[str] = set()
    for node in ast.parse(path.read_text(), filename=str(path)).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        if isinstance(node, ast.ClassDef):
            names.update(
                f"{node.name}.{item.name}"
                for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
            )
    return frozenset(names)


def _refs() -> list[tuple[str, str]]:
    return sorted({ref for walk in WALKS for ref in REF.findall(_section(walk))})


@pytest.mark.parametrize(("file", "function"), _refs(), ids=lambda v: v)
def test_every_named_function_exists(file: str, function: str) -> None:
    path = PACKAGE / file
    assert path.is_file(), f"{file} is gone: update docs/architecture.md"
    assert function in _defined(path), f"{file} defines no {function}: update the walk"


@pytest.mark.parametrize("walk", WALKS)
def test_steps_are_numbered_in_order_and_counted(walk: str) -> None:
    section = _section(walk)
    steps = STEP.findall(section)
    assert [int(number) for number, _, _ in steps] == list(range(1, len(steps) + 1))
    files = {file for _, file, _ in steps}
    stated = re.search(rf"Walk {walk} count: (\d+) files, (\d+) steps\.", section)
    assert stated is not None, f"walk {walk} states no count"
    assert (int(stated.group(1)), int(stated.group(2))) == (len(files), len(steps))
