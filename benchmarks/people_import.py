"""Importing 100,000 people from a CSV file into an empty PostgreSQL workspace, against the floor.

Figure: rows per second of `import_people` (what `cli import-people` and the Import people tab
run): CSV parsing, every row checked by the person rules (names, e-mail, the numbers normalised
to E.164 by phonenumbers as Compose reads them), the duplicate checks, then the bulk INSERTs,
all in one transaction. Baseline (the floor): the raw driver (psycopg `COPY`) writing the same
people and numbers, already normalised, into the same tables of another empty database: no
parsing, no checks. One person in five is a contact at one of 500 accounts, half have an
e-mail. Target: the 100,000 rows in under 60 s.

Usage: .venv/bin/python -m benchmarks.people_import [--quick]
"""

from __future__ import annotations

import argparse
import secrets
import sys
import time
from dataclasses import dataclass

import psycopg
from sqlalchemy.engine import Engine

from agent_workspace.db.engine import make_engine, transaction
from agent_workspace.models import Role, utcnow
from agent_workspace.services.access import Actor
from agent_workspace.services.accounts.users import create_user
from agent_workspace.services.people.importing import import_people
from benchmarks.figures import Figure
from tests.support import databases

ROWS = 100_000
TARGET_S = 60.0
ACCOUNTS = 500


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    mobile: str  # as typed in the file
    e164: str  # as stored
    email: str
    account: str


def people(count: int) -> list[Person]:
    found = []
    for i in range(count):
        exchange, line = 200 + i // 10_000, i % 10_000
        found.append(
            Person(
                first=f"First{i}",
                last=f"Last{i}",
                mobile=f"(415) {exchange}-{line:04d}",
                e164=f"+1415{exchange}{line:04d}",
                email=f"person{i}@example.com" if i % 2 else "",
                account=f"Account {i % ACCOUNTS}" if i % 5 == 0 else "",
            )
        )
    return found


def csv_text(rows: list[Person]) -> str:
    lines = ["First name,Last name,Mobile,E-mail,Account"]
    lines += [f"{p.first},{p.last},{p.mobile},{p.email},{p.account}" for p in rows]
    return "\n".join(lines) + "\n"


def _admin(engine: Engine) -> Actor:
    with transaction(engine) as session:
        user = create_user(
            session=session,
            username="admin",
            display_name="Admin",
            password=secrets.token_urlsafe(16),
            roles=(Role.ADMIN,),
        )
        assert user.id is not None
        return Actor(user.id, "admin", "Admin", frozenset({Role.ADMIN}))


def _ours(url: str, text: str) -> float:
    engine = make_engine(url)
    try:
        admin = _admin(engine)
        start = time.perf_counter()
        report = import_people(actor=admin, text=text, engine=engine, source="bench.csv")
        elapsed = time.perf_counter() - start
        if report.refused or report.created != text.count("\n") - 1:
            raise RuntimeError(f"the import did not create every row: {report.refused[:3]}")
        return elapsed
    finally:
        engine.dispose()


def _floor(url: str, rows: list[Person]) -> float:
    """psycopg COPY of the same rows, ids chosen here (no RETURNING round trips)."""
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    now = utcnow()
    start = time.perf_counter()
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        with cur.copy("COPY account (id, name, created_at) FROM STDIN") as copy:
            for n in range(ACCOUNTS):
                copy.write_row((n + 1, f"Account {n}", now))
        consumer = "COPY consumer (id, first_name, last_name, email, created_at) FROM STDIN"
        contact = (
            "COPY contact (id, account_id, first_name, last_name, email, created_at) FROM STDIN"
        )
        with cur.copy(consumer) as copy:
            for i, p in enumerate(rows):
                if not p.account:
                    copy.write_row((i + 1, p.first, p.last, p.email or None, now))
        with cur.copy(contact) as copy:
            for i, p in enumerate(rows):
                if p.account:
                    account = int(p.account.split()[1]) + 1
                    copy.write_row((i + 1, account, p.first, p.last, p.email or None, now))
        phones = "COPY person_phone (consumer_id, contact_id, e164, kind, is_primary) FROM STDIN"
        with cur.copy(phones) as copy:
            for i, p in enumerate(rows):
                owner = (None, i + 1) if p.account else (i + 1, None)
                copy.write_row((*owner, p.e164, "mobile", True))
    return time.perf_counter() - start


def _log(text: str) -> None:
    print(f"  people_import: {text}", file=sys.stderr, flush=True)


def run(quick: bool) -> list[Figure]:
    count = 10_000 if quick else ROWS
    rows = people(count)
    text = csv_text(rows)
    with databases.postgres_database() as url:
        ours = _ours(url, text)
    with databases.postgres_database() as url:
        floor = _floor(url, rows)
    _log(f"{count:,} rows: import_people {ours:.1f} s, raw COPY {floor:.2f} s")
    target = TARGET_S * count / ROWS
    return [
        Figure(
            group="people_import",
            name=f"CSV import of {count:,} people, PostgreSQL",
            value=count / ours,
            unit="rows/s",
            baseline=count / floor,
            baseline_name="psycopg COPY of the same rows, unchecked",
            target=f"{count:,} rows <= {target:.0f} s",
            met=ours <= target,
            note=f"{ours:.1f} s; the floor {floor:.2f} s",
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    for figure in run(args.quick):
        floor = figure.baseline or 0
        print(f"{figure.name}: {figure.value:,.0f} rows/s (floor {floor:,.0f}); {figure.note}")


if __name__ == "__main__":
    main()
