"""Accessibility checks for end-to-end tests: axe-core run in the page, failing on any critical
or serious violation (installed into .tools/axe by ./scripts/test)."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from agent_workspace.config import PROJECT_ROOT

AXE_JS = PROJECT_ROOT / ".tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = frozenset({"critical", "serious"})


@functools.cache
def _axe_source(path: Path = AXE_JS) -> str:
    if not path.is_file():
        pytest.fail(f"axe-core is missing at {path}: run ./scripts/test (it installs it).")
    return path.read_text()


def assert_accessible(page: Page, context: str = "", *, toasts: bool = False) -> None:
    """Runs axe on the page as it is now; lists every critical or serious violation.

    The page is checked at rest: running animations (a dialog fading in) finish, and the
    pointer leaves whatever it last clicked (hover styles). Toasts are let go first (axe would
    measure a fading toast's contrast mid-animation) unless `toasts`: then the pointer rests
    on the newest toast, which holds the toasts still (an agent reading one) while axe checks
    them too.
    """
    shown = page.locator("[data-sonner-toast]")
    if toasts:
        expect(shown.first).to_be_visible()
        shown.first.hover()
    else:
        page.mouse.move(0, 0)  # first: a pointer on a toast holds it
        expect(shown).to_have_count(0, timeout=15_000)
    page.evaluate(
        "async () => { await Promise.all(document.getAnimations().map(a => a.finished)); }"
    )
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=_axe_source())
    result = page.evaluate("async () => await window.axe.run(document)")
    failing = [v for v in result["violations"] if v.get("impact") in FAILING_IMPACTS]
    if failing:
        lines = [
            f"- [{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])}x)\n"
            + "\n".join(
                f"    {json.dumps(node['target'])}: "
                + node.get("failureSummary", "").replace("\n", " ")
                for node in v["nodes"][:5]
            )
            for v in failing
        ]
        where = f" on {context}" if context else ""
        raise AssertionError(f"Accessibility violations{where} ({page.url}):\n" + "\n".join(lines))
