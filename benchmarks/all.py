"""Runs every benchmark, prints one table (figure, baseline, ratio, target) and writes results.json.

Usage: .venv/bin/python -m benchmarks.all [--only ingest lists ...] [--quick]
Each module in SUITES exposes run(quick: bool) -> list[Figure]. Benchmarks are not tests: nothing
here asserts a time; a missed target is printed as such.
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

SUITES = ("ingest", "push", "send", "lists", "sessions", "outbox")
RESULTS = Path(__file__).with_name("results.json")


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
    RESULTS.write_text(
        json.dumps(
            {
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": {"cpus": _cpus(), "python": platform.python_version()},
                "failed_suites": failed,
                "figures": [f.as_json() for f in figures],
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
