"""Runs every benchmark, prints one table (figure, baseline, ratio, target) and writes results.json.

Usage: .venv/bin/python -m benchmarks.all [--only ingest lists ...] [--quick]
Each module in SUITES exposes run(quick: bool) -> list[Figure]. Benchmarks are not tests: nothing
here asserts a time; a missed target is printed as such. With --only (or when a suite fails), the
other suites' figures stay in results.json as they were, with the time each suite was measured
(`measured`).
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.figures import Figure

SUITES = (
    "ingest",
    "burst",
    "push",
    "send",
    "lists",
    "searches",
    "sessions",
    "outbox",
    "people_import",
    "reports",
    "board_sla",
)
GROUPS = {"sessions": ("memory", "capacity")}  # a suite's figure groups, where not its own name
RESULTS = Path(__file__).with_name("results.json")


def _suite_of(group: str) -> str:
    return next((suite for suite, groups in GROUPS.items() if group in groups), group)


def _kept(ran: list[str]) -> tuple[list[dict[str, object]], dict[str, str]]:
    """The figures, and when each suite was measured, of the suites this run did not run."""
    try:
        earlier = json.loads(RESULTS.read_text())
    except (OSError, ValueError):
        return [], {}
    when = str(earlier.get("when", ""))
    kept = [f for f in earlier.get("figures", []) if _suite_of(str(f.get("group"))) not in ran]
    suites = {_suite_of(str(f["group"])) for f in kept}
    measured = earlier.get("measured") or {}
    return kept, {suite: str(measured.get(suite, when)) for suite in sorted(suites)}


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"
    return f"{text} {unit}".strip()


def _table(figures: list[Figure]) -> str:
    rows = [("figure", "value", "baseline", "ratio", "target", "met")]
    for f in figures:
        base = f"{_fmt(f.baseline, f.unit)} ({f.baseline_name})" if f.baseline is not None else "-"
        ratio = f"{f.ratio:.2f}x" if f.ratio is not None else "-"
        met = {True: "yes", False: "NO", None: ""}[f.met]
        rows.append((f"{f.group}: {f.name}", _fmt(f.value, f.unit), base, ratio, f.target, met))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", choices=SUITES, default=list(SUITES))
    parser.add_argument("--quick", action="store_true", help="smaller runs, for a smoke check")
    args = parser.parse_args(argv)
    figures: list[Figure] = []
    failed: list[str] = []
    for suite in args.only:
        started = time.perf_counter()
        print(f"==> {suite}", file=sys.stderr, flush=True)
        try:
            module = importlib.import_module(f"benchmarks.{suite}")
            figures.extend(module.run(quick=args.quick))
        except Exception:  # one broken suite must not hide the others' numbers
            traceback.print_exc()
            failed.append(suite)
        print(f"    {suite}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    print(_table(figures))
    now = datetime.now(UTC).isoformat(timespec="seconds")
    ran = [suite for suite in args.only if suite not in failed]  # a broken suite keeps its last
    kept, measured = _kept(ran)
    measured.update({suite: now for suite in ran})
    RESULTS.write_text(
        json.dumps(
            {
                "when": now,
                "measured": dict(sorted(measured.items())),
                "machine": {"cpus": _cpus(), "python": platform.python_version()},
                "failed_suites": failed,
                "figures": [f.as_json() for f in figures] + kept,
            },
            indent=2,
        )
        + "\n"
    )
    broken = f"; suites that failed: {', '.join(failed)}" if failed else ""
    print(f"\nwritten: {RESULTS}{broken}")
    return 1 if failed else 0


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    raise SystemExit(main())
