"""One measured figure beside its baseline and target, so every benchmark reports the same way.

A benchmark module exposes `run(args) -> list[Figure]`; `benchmarks.all` prints them as one table
and writes `benchmarks/results.json`.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Figure:
    group: str  # "ingest", "push", "send", "lists", "memory", "capacity", "outbox"
    name: str  # what was measured, e.g. "webhooks/s c=8 SQLite"
    value: float
    unit: str  # "/s", "ms", "MiB", "sessions", "msg/s"
    baseline: float | None = None  # the same thing done the floor's way, in the same run
    baseline_name: str = ""
    target: str = ""  # e.g. ">= 0.5x baseline", "<= 50 ms"
    met: bool | None = None  # None: no target
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.value / self.baseline

    def as_json(self) -> dict[str, object]:
        return {**asdict(self), "ratio": self.ratio}


def percentile(samples: list[float], q: float) -> float:
    """q in [0, 100]; nearest-rank, so p99 of 100 samples is the 99th smallest."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


def median(samples: list[float]) -> float:
    return statistics.median(samples) if samples else float("nan")


def timed_ms(call: Callable[[], object], runs: int, *, warm: int = 3) -> list[float]:
    """`runs` timings of `call` in ms, after `warm` untimed calls (caches and compiled
    statements warm, as a running server has them)."""
    for _ in range(warm):
        call()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1e3)
    return samples


def progress(suite: str) -> Callable[[str], None]:
    """A suite's progress lines, on stderr (stdout carries its figures)."""
    return lambda text: print(f"  {suite}: {text}", file=sys.stderr, flush=True)


def print_figures(description: str | None, run: Callable[[bool], list[Figure]]) -> None:
    """The command line of a suite with one scale switch (--quick): a figure a line."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true")
    for figure in run(parser.parse_args().quick):
        print(f"{figure.name:<70} {figure.value:8.2f} {figure.unit}  ({figure.note})")


def main_by_database(
    description: str | None,
    run: Callable[[bool, tuple[str, ...]], list[Figure]],
    argv: list[str] | None,
) -> int:
    """The command line of a suite measured on each database: --quick, --only sqlite|postgresql;
    one figure per line as JSON."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args(argv)
    kinds = (args.only,) if args.only else ("sqlite", "postgresql")
    for figure in run(args.quick, kinds):
        print(json.dumps(figure.as_json()))
    return 0
