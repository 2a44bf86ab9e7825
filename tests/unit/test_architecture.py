"""The layering STYLE.md asks for, checked on the source: the pure core imports no framework,
and only the sms package talks to Twilio's SDK."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "agent_workspace"
FRAMEWORKS = ("reflex", "sqlmodel", "sqlalchemy", "twilio", "starlette", "httpx")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted((PACKAGE / "domain").glob("*.py")), ids=lambda p: p.name)
def test_domain_imports_no_framework(path: Path) -> None:
    assert not _imports(path) & set(FRAMEWORKS)


def test_only_the_sms_package_imports_twilio() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "twilio" in _imports(path) and (PACKAGE / "sms") not in path.parents
    ]
    assert offenders == []


def test_state_and_pages_never_touch_the_database_directly() -> None:
    ui = [
        *(PACKAGE / "state").glob("*.py"),
        *(PACKAGE / "pages").glob("*.py"),
        *(PACKAGE / "components").glob("*.py"),
    ]
    offenders = [p.name for p in ui if _imports(p) & {"sqlmodel", "sqlalchemy"}]
    assert offenders == []


def test_every_audit_row_names_its_action_from_the_enum() -> None:
    """Audit actions are one vocabulary (services/audit.py AuditAction), never ad-hoc strings."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "record"):
                continue
            for keyword in node.keywords:
                if keyword.arg == "action" and isinstance(keyword.value, ast.Constant):
                    offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert offenders == []


# Reflex's private parts the workspace needs (no public API does it); reflex_internals.py only.
REFLEX_PRIVATE = re.compile(
    r"_reflex_internal_links|\._link_to\(|\._unlink\(|_linked_from|_token_manager|set_contexts"
    r"|_get_resolved_delta|\._clean\(|get_state_manager|reflex\.istate\.manager"
)


def test_only_the_adapter_touches_reflex_internals() -> None:
    offenders = sorted(
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in PACKAGE.rglob("*.py")
        if path.name != "reflex_internals.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if REFLEX_PRIVATE.search(line)
    )
    assert offenders == []
