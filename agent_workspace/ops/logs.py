"""One log format for every process of the workspace: a UTC timestamp, the level and the logger
on every line, as text or as JSON lines for a log shipper (AW_LOG_FORMAT, AW_LOG_LEVEL).

Each process configures the root logger here (the CLI, each web worker when its app starts,
the simulator); the loggers of Reflex, Granian and Uvicorn, which bring handlers of their own,
are sent through it. What a child process prints without a logger (Reflex's build output,
a crash) is stamped by `serve` (log_lines.py). Records of other libraries stay at INFO or
above whatever AW_LOG_LEVEL says: their DEBUG records may carry request data.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
import time
from datetime import UTC, datetime
from typing import Any

#: Loggers that attach handlers of their own: routed to the root instead.
FOREIGN = ("reflex", "_granian", "granian.access", "uvicorn", "uvicorn.error", "uvicorn.access")
#: Libraries whose DEBUG (even INFO) records may carry URLs, bodies or credentials.
QUIET = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "twilio": logging.WARNING,
    # "Failed to connect to <a package mirror>": Reflex's build trying mirrors it never uses here
    "reflex.utils.registry": logging.WARNING,
    # "setup plugin alembic.autogenerate.schemas" and six more, each time Alembic is imported
    "alembic.runtime.plugins": logging.WARNING,
}
LIBRARY_FLOOR = logging.INFO
#: Fields an access-log record carries (web/access_log.py); JSON keeps them apart.
EXTRA_FIELDS = ("method", "path", "status", "ms")
_OURS = "agent_workspace"


def timestamp(created: float) -> str:
    """ISO 8601 in UTC with milliseconds and a Z: sortable, and the same on every host."""
    moment = datetime.fromtimestamp(created, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def level_name(levelno: int) -> str:
    """The standard level at or below `levelno` (Reflex's SUCCESS, 25, is INFO)."""
    for number in (logging.CRITICAL, logging.ERROR, logging.WARNING, logging.INFO):
        if levelno >= number:
            return logging.getLevelName(number)
    return "DEBUG"


class TextFormatter(logging.Formatter):
    """`2026-01-31T12:00:00.123Z INFO agent_workspace.web.routes message`; a traceback's lines
    carry the same prefix, so no line of the log lacks a time, a level or its logger."""

    def format(self, record: logging.LogRecord) -> str:
        prefix = f"{timestamp(record.created)} {level_name(record.levelno)} {record.name} "
        text = record.getMessage()
        if record.exc_info and record.exc_info[0] is not None:
            text += "\n" + self.formatException(record.exc_info)
        if record.stack_info:
            text += "\n" + self.formatStack(record.stack_info)
        return "\n".join(prefix + line for line in text.splitlines() or [""])


class JsonFormatter(logging.Formatter):
    """One JSON object per record: timestamp, level, logger, message (and the exception, the
    access-log fields), the shape Reflex's own JSON records have."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "timestamp": timestamp(record.created),
            "level": level_name(record.levelno).lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in EXTRA_FIELDS:
            if (value := getattr(record, field, None)) is not None:
                payload[field] = value
        if record.exc_info and record.exc_info[0] is not None:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False, default=str)


class _Handler(logging.StreamHandler):  # type: ignore[type-arg]
    """The workspace's handler on the root logger (found again, and replaced, by its type)."""


#: Warnings and errors of one kind are written once per this many seconds.
STORM_SECONDS = 60.0


class StormFilter(logging.Filter):
    """One line per kind of failure per interval: while the database or Redis is away, every
    event of every tab, every pass of every background task fails the same way, and each had
    written its traceback (153 lines in 5 s with two tabs). A kind is the logger, the level,
    the message before its arguments and the exception's type; the next one written after
    the interval says how many like it were left out."""

    def __init__(self, interval: float = STORM_SECONDS) -> None:
        super().__init__()
        self.interval = interval
        self._lock = threading.Lock()
        self._kinds: dict[
            tuple[object, ...], tuple[float, int]
        ] = {}  # kind -> (shown at, left out)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        kind = _kind(record)
        now = time.monotonic()
        with self._lock:
            shown_at, left_out = self._kinds.get(kind, (-float("inf"), 0))
            if now - shown_at < self.interval:
                self._kinds[kind] = (shown_at, left_out + 1)
                return False
            self._kinds[kind] = (now, 0)
            if len(self._kinds) > 10_000:  # kinds are few; never let them grow without bound
                self._kinds = {kind: (now, 0)}
        if left_out:
            record.msg = (
                f"{record.getMessage()} ({left_out} more like it in the last {self.interval:g} s)"
            )
            record.args = None
        _without_dependency_traceback(record)
        return True


def _without_dependency_traceback(record: logging.LogRecord) -> None:
    """A lost database or Redis is one line with the driver's words: its traceback (sixty
    lines of chained exceptions) says nothing the first line does not."""
    from agent_workspace.ops.health import DEPENDENCY_ERRORS, first_line

    error = record.exc_info[1] if record.exc_info else None
    if isinstance(error, DEPENDENCY_ERRORS):
        record.msg, record.args = f"{record.getMessage()}: {first_line(error)}", None
        record.exc_info, record.exc_text = None, None


def _kind(record: logging.LogRecord) -> tuple[object, ...]:
    error = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else ""
    return (record.name, record.levelno, str(record.msg)[:200], error)


def formatter(log_format: str) -> logging.Formatter:
    return JsonFormatter() if log_format == "json" else TextFormatter()


def configure(level: str = "info", log_format: str = "text") -> None:
    """Sends every record of this process to stdout in the workspace's format; idempotent.

    Called again after a server has set up its own logging (Granian's workers run dictConfig
    when they start), it takes the foreign loggers back."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _Handler)]:
        root.removeHandler(handler)
    handler = _Handler(sys.stdout)
    handler.setFormatter(formatter(log_format))
    handler.addFilter(StormFilter())
    root.addHandler(handler)
    wanted = logging.getLevelName(level.upper())
    root.setLevel(wanted)
    for name in FOREIGN:
        foreign = logging.getLogger(name)
        foreign.handlers.clear()
        foreign.propagate = True
        foreign.setLevel(max(wanted, LIBRARY_FLOOR))
    for name, floor in QUIET.items():
        logging.getLogger(name).setLevel(max(wanted, floor))
    if wanted < LIBRARY_FLOOR:  # DEBUG is for the workspace's own loggers only
        handler.addFilter(_library_floor)
    handler.addFilter(_without_alembic_context)


def _without_alembic_context(record: logging.LogRecord) -> bool:
    """Drops Alembic's "Context impl SQLiteImpl." and "Will assume ... DDL.": it says them
    each time anything asks where the database's migrations are, and every readiness probe
    and each worker's outage watch (every 2 s) asks. What a migration does is still said."""
    return not (record.name == "alembic.runtime.migration" and record.msg in _ALEMBIC_CONTEXT)


_ALEMBIC_CONTEXT = ("Context impl %s.", "Will assume %s DDL.")


def _library_floor(record: logging.LogRecord) -> bool:
    return record.levelno >= LIBRARY_FLOOR or record.name.split(".")[0] == _OURS


def configure_from_settings() -> None:
    """`configure` with AW_LOG_LEVEL and AW_LOG_FORMAT."""
    from agent_workspace.config import get_settings

    settings = get_settings()
    configure(settings.log_level, settings.log_format)


async def configure_worker() -> None:
    """Lifespan task: a web worker's Granian has configured its own loggers by now."""
    configure_from_settings()


# A sentence of a Reflex message that tells to run one of Reflex's own commands.
_REFLEX_HINT = re.compile(
    r"\s*Install dependencies from `requirements\.txt`.*?`uv run reflex run`\."
    r"|\s*[^.]*\breflex (?:db|run|init)\b[^.]*\.",
    re.IGNORECASE,
)
_REFLEX_LOGGERS = ("reflex", "reflex.reflex", "reflex.utils.prerequisites")


def quiet_reflex() -> None:
    """Silences Reflex's hints that do not apply here, for every process Reflex starts.

    Alembic owns the schema (`cli prepare` migrates, `cli serve` refuses a database that is not
    at head), so Reflex's own comparison of the models with the database at start-up is not
    run: it told operators to "Run reflex db makemigrations", and it connected to the database
    before the workspace could say what was wrong with it. `cli serve` starts the app, so
    "Run `uv run reflex run`" is cut from Reflex's messages too.
    """
    from reflex.utils import prerequisites

    prerequisites.check_schema_up_to_date = _schema_is_alembics
    for name in _REFLEX_LOGGERS:
        logger = logging.getLogger(name)
        if _without_reflex_hints not in logger.filters:
            logger.addFilter(_without_reflex_hints)


def _schema_is_alembics() -> None:
    """In place of Reflex's start-up schema check: migrations are the CLI's (see above)."""


def _without_reflex_hints(record: logging.LogRecord) -> bool:
    message = record.getMessage()
    kept = _REFLEX_HINT.sub("", message).strip()
    if kept == message.strip():
        return True
    if not kept:
        return False
    record.msg, record.args = kept, None
    return True
