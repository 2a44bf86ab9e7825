"""Administration, Import people tab: choose a CSV file, map its columns, import (all or
nothing), read the report.

The browser reads the file (Reflex's upload endpoint admits agents' attachments only): first
its head, for the column names, then, on Import, the whole file, which arrives as one event.
A socket message is at most 1 MB (Reflex's default, and what the README asks of the proxy),
so the page takes files up to UI_MAX_BYTES and points to `cli import-people` for larger ones.
Nothing of the file is kept in the tab but its column names.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.domain.inputs import CHOICE_CHARS, MAX_ROW_ID, text_problem
from agent_workspace.domain.people_csv import (
    TARGET_NAMES,
    CsvProblem,
    mapping_for,
    read_csv,
)
from agent_workspace.models import Role
from agent_workspace.services.errors import ServiceError
from agent_workspace.services.people import importing
from agent_workspace.sources import cli_command
from agent_workspace.state.client_input import choice_refusal, refusal
from agent_workspace.state.session import SessionState

UI_MAX_BYTES = 900_000  # about 10,000 people; the socket's limit is 1,000,000 bytes
HEAD_BYTES = 65_536
SHOWN_REFUSALS = 200
CLI_HINT = cli_command("import-people FILE")
_READ = (
    "(async () => {{"
    " const input = document.getElementById('import-file');"
    " const f = input && input.files && input.files[0];"
    " if (!f) return {{name: '', size: 0, text: ''}};"
    " if ({whole} && f.size > {limit}) return {{name: f.name, size: f.size, text: ''}};"
    " return {{name: f.name, size: f.size,"
    " text: await ({whole} ? f : f.slice(0, {head})).text()}}; }})()"
)


@dataclasses.dataclass
class RefusalItem:
    row: int
    reason: str


def _read(*, whole: bool) -> str:
    return _READ.format(whole=str(whole).lower(), limit=UI_MAX_BYTES, head=HEAD_BYTES)


class ImportAdminState(SessionState):
    file_name: str = ""
    headers: list[str] = []
    mapping: dict[str, str] = {}
    error: str = ""
    summary: str = ""
    refusals: list[RefusalItem] = []
    more_refused: int = 0

    @rx.event
    def file_chosen(self, _path: Any = "") -> EventSpec | None:
        """A file was picked: the browser reads its head and sends it back."""
        if refusal(self, Role.ADMIN):
            return None
        return rx.call_script(_read(whole=False), callback=ImportAdminState.receive_head)

    @rx.event
    def receive_head(self, found: Any) -> None:
        if problem := refusal(self, Role.ADMIN):
            self.error = problem
            return
        name, size, text = _file(found, limit=HEAD_BYTES)
        self._clear()
        if not name:
            self.error = text or "Choose a CSV file."
            return
        try:
            header = read_csv(text)[0]
        except CsvProblem as problem:
            self.file_name, self.headers, self.mapping = "", [], {}
            self.error = str(problem)
            return
        self.file_name = f"{name} ({size:,} bytes)"
        self.mapping = mapping_for(header, tuple(self.headers), self.mapping)
        self.headers = [h for h in header if h]
        if size > UI_MAX_BYTES:
            self.error = (
                f"The file has {size:,} bytes; this page imports up to {UI_MAX_BYTES:,} "
                f"(about 10,000 people). Import larger files with {CLI_HINT}."
            )

    @rx.event
    def set_mapping(self, field: str, column: str) -> None:
        if problem := choice_refusal(self, Role.ADMIN, field, TARGET_NAMES, what="a field"):
            self.error = problem
            return
        columns = ["", *self.headers]
        if problem := choice_refusal(self, Role.ADMIN, column, columns, what="a column"):
            self.error = problem
            return
        self.mapping = {**self.mapping, field: column}

    @rx.event
    def start_import(self) -> EventSpec | None:
        """Import: the browser reads the whole file and sends it back."""
        if problem := refusal(self, Role.ADMIN):
            self.error = problem
            return None
        if not self.headers:
            self.error = "Choose a CSV file first."
            return None
        return rx.call_script(_read(whole=True), callback=ImportAdminState.receive_file)

    @rx.event
    async def receive_file(self, found: Any) -> None:
        if problem := refusal(self, Role.ADMIN):
            self.error = problem
            return
        name, size, text = _file(found, limit=UI_MAX_BYTES)
        self._clear()
        if not name:
            self.error = text or "Choose a CSV file."
            return
        if size > UI_MAX_BYTES or not text:
            self.error = f"The file is too large for this page; import it with {CLI_HINT}."
            return
        report = await self._serve(
            Role.ADMIN,
            importing.import_people,
            text=text,
            mapping={f: self.mapping.get(f, "") for f in TARGET_NAMES},
            source=name,
        )
        if isinstance(report, ServiceError):
            return
        if report.refused:
            self.summary = (
                f"Nothing imported: {len(report.refused):,} of {report.rows:,} rows refused. "
                "Fix them in the file and import it again."
            )
            shown = report.refused[:SHOWN_REFUSALS]
            self.refusals = [RefusalItem(r.row, r.reason) for r in shown]
            self.more_refused = len(report.refused) - len(shown)
            return
        self.summary = report.summary()

    def _clear(self) -> None:
        self.error, self.summary, self.refusals, self.more_refused = "", "", [], 0


def _file(found: Any, *, limit: int) -> tuple[str, int, str]:
    """(name, size, text) of what the browser read; a name of "" with the reason otherwise."""
    if not isinstance(found, dict) or len(found) > 3:
        return "", 0, "The browser did not send the file."
    name, size, text = found.get("name"), found.get("size"), found.get("text")
    if not isinstance(name, str) or not name or text_problem(name, what="", limit=CHOICE_CHARS):
        return "", 0, ""
    if type(size) is not int or not 0 <= size <= MAX_ROW_ID:
        return "", 0, "The browser did not send the file's size."
    if not isinstance(text, str) or len(text) > limit:
        return "", 0, "The file is too large for this page."
    if "\x00" in text:
        return "", 0, "The file holds NUL characters: it is not a CSV text file."
    return name, size, text
