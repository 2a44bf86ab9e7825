"""What `serve` makes of a line its children print without a logger (log_lines.py)."""

from __future__ import annotations

import json

import pytest

from agent_workspace.ops.log_lines import Stamper, is_log_line, level_of

AT = 1_800_000_000.25  # 2027-01-15T08:00:00.250Z


@pytest.mark.parametrize(
    ("line", "level", "rest"),
    [
        ("Info: Initializing the web directory.", "INFO", "Initializing the web directory."),
        ("Warning: Attempting to send delta", "WARNING", "Attempting to send delta"),
        ("DeprecationWarning: x is old", "WARNING", "x is old"),
        ("[INFO] Started worker-1", "INFO", "Started worker-1"),
        ("[ERROR] worker died", "ERROR", "worker died"),
        ("INFO:     Uvicorn running", "INFO", "Uvicorn running"),
        (
            "App running at: http://127.0.0.1:3000/",
            "WARNING",
            "App running at: http://127.0.0.1:3000/",
        ),
    ],
)
def test_a_prefix_names_the_level_and_is_dropped(line: str, level: str, rest: str) -> None:
    assert level_of(line, "WARNING") == (level, rest)


def test_text_lines_are_stamped_with_time_level_and_the_childs_name() -> None:
    stamper = Stamper(source="reflex", default_level="INFO", log_format="text")
    assert stamper.feed("Info: Compiling\n", AT) == [
        "2027-01-15T08:00:00.250Z INFO reflex Compiling"
    ]
    assert stamper.feed("──── Starting Reflex App ────\n", AT) == [
        "2027-01-15T08:00:00.250Z INFO reflex Starting Reflex App"
    ]
    assert stamper.feed("\n", AT) == []
    ours = "2027-01-15T08:00:00.250Z INFO agent_workspace.access GET / 200 1.0 ms"
    assert stamper.feed(ours + "\n", AT) == [ours]


def test_a_traceback_is_one_record_with_one_prefix_per_line() -> None:
    lines = ["Traceback (most recent call last):", '  File "x.py", line 1', "ValueError: boom"]
    text = Stamper(source="reflex", default_level="WARNING", log_format="text")
    out = [line for raw in lines for line in text.feed(raw + "\n", AT)]
    assert out == [f"2027-01-15T08:00:00.250Z ERROR reflex {line}" for line in lines]
    as_json = Stamper(source="reflex", default_level="WARNING", log_format="json")
    (record,) = [json.loads(x) for raw in lines for x in as_json.feed(raw + "\n", AT)]
    assert record["level"] == "error" and record["message"] == "ValueError: boom"
    assert record["exception"].splitlines() == lines


def test_a_cut_off_traceback_is_written_when_the_stream_ends() -> None:
    stamper = Stamper(source="reflex", default_level="INFO", log_format="json")
    assert stamper.feed("Traceback (most recent call last):\n", AT) == []
    (line,) = stamper.close(AT)
    assert json.loads(line)["level"] == "error"


def test_lines_below_the_level_are_dropped() -> None:
    stamper = Stamper(source="reflex", default_level="INFO", log_format="text", level="warning")
    assert stamper.feed("Info: Compiling\n", AT) == []
    assert stamper.feed("Warning: slow\n", AT) != []


def test_json_records_pass_unchanged_and_other_json_is_stamped() -> None:
    record = '{"timestamp": "t", "level": "info", "logger": "x", "message": "m"}'
    assert is_log_line(record, "json")
    assert not is_log_line('{"a": 1}', "json")
    stamper = Stamper(source="simulator", default_level="INFO", log_format="json")
    (line,) = stamper.feed('{"a": 1}\n', AT)
    assert json.loads(line)["message"] == '{"a": 1}'
