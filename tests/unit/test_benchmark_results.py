"""`benchmarks.all --only` keeps the figures of the suites it did not run, with their date."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import all as bench_all

EARLIER = {
    "when": "2026-12-02T16:17:40+00:00",
    "figures": [
        {"group": "outbox", "name": "drain"},
        {"group": "memory", "name": "per session"},
        {"group": "capacity", "name": "sessions"},
        {"group": "lists", "name": "first page"},
    ],
}


def _earlier(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str) -> None:
    results = tmp_path / "results.json"
    results.write_text(content)
    monkeypatch.setattr(bench_all, "RESULTS", results)


def test_the_suites_not_run_keep_their_figures_and_when_they_were_measured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _earlier(tmp_path, monkeypatch, json.dumps(EARLIER))
    kept, measured = bench_all._kept(["outbox", "sessions"])
    assert [f["name"] for f in kept] == ["first page"]
    assert measured == {"lists": EARLIER["when"]}


def test_a_suite_keeps_the_date_it_was_measured_on_across_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _earlier(tmp_path, monkeypatch, json.dumps({**EARLIER, "measured": {"lists": "2026-11-30"}}))
    assert bench_all._kept(["outbox"])[1] == {"lists": "2026-11-30", "sessions": EARLIER["when"]}


def test_no_earlier_results_keep_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _earlier(tmp_path, monkeypatch, "not json")
    assert bench_all._kept(["outbox"]) == ([], {})
