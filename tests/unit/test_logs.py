"""The log format (logs.py) and the Reflex hints it silences."""

from __future__ import annotations

import json
import logging

import pytest
from reflex.utils import prerequisites
from sqlalchemy.exc import OperationalError

from agent_workspace.ops import logs


def _record(
    message: str, level: int = logging.INFO, name: str = "agent_workspace.x"
) -> logging.LogRecord:
    record = logging.LogRecord(name, level, "", 0, message, None, None)
    record.created = 1_800_000_000.25
    return record


def test_text_puts_time_level_and_logger_before_every_line() -> None:
    formatted = logs.TextFormatter().format(_record("one\ntwo", 25))  # Reflex's SUCCESS
    assert formatted.splitlines() == [
        "2027-01-15T08:00:00.250Z INFO agent_workspace.x one",
        "2027-01-15T08:00:00.250Z INFO agent_workspace.x two",
    ]


def test_json_has_the_fields_a_shipper_reads() -> None:
    record = _record("GET / 200 1.0 ms")
    record.method, record.path, record.status, record.ms = "GET", "/", 200, 1.0
    assert json.loads(logs.JsonFormatter().format(record)) == {
        "timestamp": "2027-01-15T08:00:00.250Z",
        "level": "info",
        "logger": "agent_workspace.x",
        "message": "GET / 200 1.0 ms",
        "method": "GET",
        "path": "/",
        "status": 200,
        "ms": 1.0,
    }


@pytest.mark.parametrize(
    ("message", "kept"),
    [
        (
            "Initialized agent_workspace. Run `uv run reflex run` to start the app.",
            "Initialized agent_workspace.",
        ),
        ("Run [bold]reflex db makemigrations[/bold] to generate migration scripts.", None),
        (
            "Initialized agent_workspace. Install dependencies from `requirements.txt` with `uv"
            " pip install -r requirements.txt` (or your preferred installer) before running"
            " `uv run reflex run`.",
            "Initialized agent_workspace.",
        ),
        ("App running at: http://127.0.0.1:3000/", "App running at: http://127.0.0.1:3000/"),
    ],
)
def test_reflex_hints_that_do_not_apply_are_cut(message: str, kept: str | None) -> None:
    logs.quiet_reflex()
    record = _record(message, name="reflex.reflex")
    shown = logging.getLogger("reflex.reflex").filter(record)
    assert (record.getMessage() if shown else None) == kept


def test_reflex_trying_package_mirrors_at_build_is_not_written() -> None:
    logs.configure("info")
    assert not logging.getLogger("reflex.utils.registry").isEnabledFor(logging.INFO)


def test_alembic_announcing_its_plugins_is_not_written() -> None:
    """Alembic 1.20 says "setup plugin alembic.autogenerate.schemas" (and six more) at INFO
    whenever it is imported: seven lines in every `build` and at every `serve` start."""
    logs.configure("info")
    assert not logging.getLogger("alembic.runtime.plugins").isEnabledFor(logging.INFO)
    assert logging.getLogger("alembic.runtime.migration").isEnabledFor(logging.INFO)


def test_reflex_no_longer_compares_the_models_with_the_database_at_start() -> None:
    """A contract with Reflex 0.10.1: the check is looked up by this name when the app compiles."""
    logs.quiet_reflex()
    assert prerequisites.check_schema_up_to_date is logs._schema_is_alembics


def _error(message: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    record = logging.LogRecord("agent_workspace.x", logging.ERROR, "", 0, message, args, None)
    if exc is not None:
        record.exc_info = (type(exc), exc, None)
    return record


def test_a_failure_is_written_once_per_kind_per_interval() -> None:
    storm = logs.StormFilter(interval=3600)
    first = _error("inbound %s could not be stored", "SM1")
    assert storm.filter(first)
    assert not storm.filter(_error("inbound %s could not be stored", "SM2"))  # the same kind
    assert storm.filter(_error("outbox claim failed"))  # another kind
    info = logging.LogRecord("agent_workspace.access", logging.INFO, "", 0, "GET / 200", None, None)
    assert storm.filter(info) and storm.filter(info)  # access lines are never held back


def test_the_next_line_after_the_interval_says_how_many_were_left_out() -> None:
    storm = logs.StormFilter(interval=0.0)
    storm.interval = 3600
    assert storm.filter(_error("claim failed"))
    for _ in range(3):
        assert not storm.filter(_error("claim failed"))
    storm.interval = 0.0
    again = _error("claim failed")
    assert storm.filter(again)
    assert again.getMessage() == "claim failed (3 more like it in the last 0 s)"


def test_a_lost_dependency_is_one_line_without_its_traceback() -> None:
    lost = OperationalError(
        "SELECT 1", {}, Exception("connection refused\n\tIs the server running?")
    )
    record = _error("outbox claim failed", exc=lost)
    assert logs.StormFilter().filter(record)
    assert record.exc_info is None
    assert record.getMessage() == "outbox claim failed: connection refused"
    bug = _error("outbox claim failed", exc=KeyError("x"))
    assert logs.StormFilter().filter(bug) and bug.exc_info is not None  # a bug keeps it
