"""What `serve` does with what its children print: every line leaves as a log line.

The web workers and the simulator log in the workspace's format already (logs.py); what they
print without a logger does not: Reflex's build steps and progress bars, Granian's first lines
in a worker (before the app takes its loggers back), a crash's traceback. Each such line gets
the time it was read, a level (from a prefix it has, such as "Warning: " or "[INFO]", else by
its stream) and the child's name as its logger; a traceback becomes one record (JSON) or lines
with one prefix (text). Lines below AW_LOG_LEVEL are dropped.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable
from typing import IO

from agent_workspace.ops.logs import formatter

_TEXT_LINE = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (DEBUG|INFO|WARNING|ERROR|CRITICAL) \S+ "
)
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_RULE = re.compile(r"^[─━═\s]*(.*?)[─━═\s]*$")
# Prefixes foreign output carries, and the level each one means.
_PREFIXES = (
    (re.compile(r"^(Debug): "), "DEBUG"),
    (re.compile(r"^(Info|Success): "), "INFO"),
    (re.compile(r"^(Warning|DeprecationWarning): "), "WARNING"),
    (re.compile(r"^(Error): "), "ERROR"),
    (re.compile(r"^\[(DEBUG|INFO|WARNING|ERROR|CRITICAL)\] "), ""),  # Granian
    (re.compile(r"^(DEBUG|INFO|WARNING|ERROR|CRITICAL):\s+"), ""),  # Uvicorn
)
_TRACEBACK = "Traceback (most recent call last):"


def is_log_line(line: str, log_format: str) -> bool:
    """True for a line already in the workspace's format (it passes unchanged)."""
    if log_format != "json":
        return _TEXT_LINE.match(line) is not None
    if not line.startswith("{"):
        return False
    try:
        record = json.loads(line)
    except ValueError:
        return False
    return isinstance(record, dict) and {"timestamp", "level", "logger", "message"} <= set(record)


def level_of(line: str, default: str) -> tuple[str, str]:
    """(level, the line without its level prefix) for a line printed without a logger."""
    for pattern, level in _PREFIXES:
        if found := pattern.match(line):
            named = level or found.group(1)
            return named, line[found.end() :]
    return default, line


class Stamper:
    """Turns one child stream's lines into log lines (not thread-safe: one per stream)."""

    def __init__(
        self, *, source: str, default_level: str, log_format: str, level: str = "info"
    ) -> None:
        self.source = source
        self.default_level = default_level
        self.log_format = log_format
        self.threshold = logging.getLevelName(level.upper())
        self._formatter = formatter(log_format)
        self._traceback: list[str] = []

    def feed(self, raw: str, now: float | None = None) -> list[str]:
        """The log lines for one line read (none, or several when a traceback ends)."""
        line = _ANSI.sub("", raw.rstrip("\r\n"))
        if self._traceback:
            self._traceback.append(line)
            if line.strip() and not line[0].isspace():  # the exception line ends it
                return self._flush_traceback(now)
            return []
        if is_log_line(line, self.log_format):
            return [line]
        if line.startswith(_TRACEBACK):
            self._traceback.append(line)
            return []
        text = _RULE.match(line).group(1) if line.strip() else ""  # type: ignore[union-attr]
        if not text:
            return []
        level, message = level_of(text, self.default_level)
        return self._record(level, message, now)

    def close(self, now: float | None = None) -> list[str]:
        """Whatever a stream that ended left unfinished (a cut-off traceback)."""
        return self._flush_traceback(now) if self._traceback else []

    def _flush_traceback(self, now: float | None) -> list[str]:
        lines, self._traceback = self._traceback, []
        last = next((line.strip() for line in reversed(lines) if line.strip()), "Traceback")
        return self._record("ERROR", last, now, exception="\n".join(lines))

    def _record(
        self, level: str, message: str, now: float | None, exception: str | None = None
    ) -> list[str]:
        number = logging.getLevelName(level)
        if not isinstance(number, int) or number < self.threshold:
            return []
        record = logging.LogRecord(self.source, number, "", 0, message, None, None)
        record.created = time.time() if now is None else now
        text = self._formatter.format(record)
        if exception is not None:
            text = _with_exception(text, exception, self.log_format)
        return text.splitlines() if self.log_format != "json" else [text]


def _with_exception(formatted: str, exception: str, log_format: str) -> str:
    if log_format == "json":
        payload = json.loads(formatted)
        payload["exception"] = exception
        return json.dumps(payload, ensure_ascii=False)
    stamp, level, logger, _ = formatted.split(" ", 3)
    return "\n".join(f"{stamp} {level} {logger} {line}" for line in exception.splitlines())


def pump(stream: IO[bytes], write: Callable[[str], None], stamper: Stamper) -> threading.Thread:
    """Reads a child's stream on a thread of its own until it closes, writing log lines."""

    def run() -> None:
        for raw in iter(stream.readline, b""):
            for line in stamper.feed(raw.decode("utf-8", "replace")):
                write(line)
        for line in stamper.close():
            write(line)

    thread = threading.Thread(target=run, name=f"log-{stamper.source}", daemon=True)
    thread.start()
    return thread
