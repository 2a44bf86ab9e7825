"""Builds a workspace at scale (default 100,000 interactions, 1,000,000 messages) with bulk writes.

The rows are what the services would have left behind: people with phones and channel user
profiles, ~50 agents, interactions assigned to them, to the virtual agent or to no one, live group
members, inbound/outbound messages and notes, the list columns each message keeps on its
interaction (last message, preview, awaiting reply), and interaction_view read markers. Only the
speed differs: executemany on SQLite and COPY on PostgreSQL, with the secondary indexes dropped
during the load and rebuilt after it (the search index included), as a bulk load is done.

Usage: .venv/bin/python -m benchmarks.seed_scale sqlite:///tmp/scale.db [--interactions N]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel

import agent_workspace.models  # noqa: F401  (registers every table)
from agent_workspace.domain.previews import preview_line
from agent_workspace.models import ACTIVE_STATES, InteractionState
from agent_workspace.services.interactions.lifecycle import rebuild_conversation_facts

_FIRST_NAMES = (
    "Maria Liam Olivia Noah Emma Oliver Ava Elijah Sophia Lucas Mia Mateo Isabella Levi "
    "Amelia Ezra Harper Asher Evelyn James Luna Leo Camila Luca Gianna Henry Elena Hudson "
    "Aria Ethan Ellie Muhammad Mila Jack Nora Aiden Hazel Grayson Layla Kai Chloe Wei Priya "
    "Arjun Fatima Yusuf Aisha Kenji Yuki Sven Ingrid Pierre Amelie Diego Lucia Tomasz Zofia "
    "Kwame Amara"
)
_LAST_NAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez "
    "Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson "
    "White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott "
    "Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter "
    "Roberts Okafor Tanaka Kowalski Novak Haddad Rossi Silva Kim Patel Chen Müller Dubois "
    "Andersson Mensah Ivanova"
)
FIRST = _FIRST_NAMES.split()
LAST = _LAST_NAMES.split()
PHRASES = (
    "Hi, I have a question about my order",
    "Thanks for getting back to me",
    "When will my package arrive?",
    "Your order has shipped and should arrive tomorrow",
    "Can you check the status of my refund please",
    "The delivery was missing one item",
    "I would like to change my delivery address",
    "We have updated your account, anything else?",
    "Please reply with the photo of the damaged box",
    "Sorry for the trouble, a replacement is on its way",
    "Is the store open on Sunday?",
    "My invoice shows the wrong amount",
    "I'll look into it and get back to you shortly",
    "Great, that solved it. Thank you!",
    "Could you send me the tracking number",
    "Your appointment is confirmed for Monday at 10am",
)
# Words seen in roughly one message in ten thousand: "a word in an old message".
RARE = ("kumquat", "zeppelin", "marmalade", "saxophone", "tangerine", "quokka", "origami", "fjord")
STATE_MIX = (
    (InteractionState.CLOSED_COMPLETE, 0.80),
    (InteractionState.CLOSED_ABANDONED, 0.14),
    (InteractionState.WORK_IN_PROGRESS, 0.03),
    (InteractionState.NEW, 0.02),
    (InteractionState.ON_HOLD, 0.01),
)
TYPE_MIX = (("messaging", 0.85), ("phone", 0.10), ("chat", 0.04), ("email", 0.01))
SUPPORT_NUMBER = "+14155550100"
PASSWORD_HASH = "$2b$12$" + "x" * 53  # no one signs in to a seeded workspace
SEED_START = datetime(2025, 1, 1, tzinfo=UTC)


@dataclass
class SeedFacts:
    """What a benchmark needs to ask realistic questions of the seeded data."""

    interactions: int = 0
    messages: int = 0
    agent_ids: list[int] = field(default_factory=list)
    supervisor_id: int = 0
    busiest_agent_id: int = 0
    sample_number: str = ""
    sample_name: str = ""
    sample_phone: str = ""
    rare_word: str = RARE[0]
    common_word: str = "refund"
    seconds: float = 0.0


def _pick(rng: random.Random, mix: Sequence[tuple[Any, float]]) -> Any:
    roll, total = rng.random(), 0.0
    for value, share in mix:
        total += share
        if roll < total:
            return value
    return mix[-1][0]


def _body(rng: random.Random) -> str:
    text = rng.choice(PHRASES)
    if rng.random() < 0.3:
        text += f" (order {rng.randrange(100000, 999999)})"
    if rng.random() < 0.0008:
        text += f" {rng.choice(RARE)}"
    if rng.random() < 0.15:
        text += "\n" + rng.choice(PHRASES)
    return text


class _Writer:
    """Appends rows to one table in batches: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.postgres = conn.dialect.name == "postgresql"

    def write(self, table: str, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        columns = _complete_columns(table, rows[0])
        values = [tuple(row.get(c) for c in columns) for row in rows]
        raw = self.conn.connection.driver_connection
        assert raw is not None
        names = ", ".join(f'"{c}"' for c in columns)
        if self.postgres:
            with raw.cursor() as cursor, cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as cp:
                for value in values:
                    cp.write_row(value)
        else:
            marks = ", ".join("?" for _ in columns)
            raw.executemany(
                f'INSERT INTO "{table}" ({names}) VALUES ({marks})',  # noqa: S608 (our table names)
                [tuple(_sqlite_value(v) for v in value) for value in values],
            )


def _complete_columns(table: str, row: dict[str, Any]) -> list[str]:
    """The row's columns; refuses a row that leaves out a column the table requires."""
    missing = [
        c.name
        for c in SQLModel.metadata.tables[table].columns
        if c.name not in row and not c.nullable and c.server_default is None
    ]
    if missing:
        raise ValueError(f"seed rows for {table} leave out required columns: {missing}")
    return list(row)


def _sqlite_value(value: Any) -> Any:
    """What SQLAlchemy itself stores on SQLite for these types (DATETIME text, 0/1)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, bool):
        return int(value)
    return value


def _secondary_indexes(conn: Connection, tables: Sequence[str]) -> list[tuple[str, str]]:
    """(name, CREATE statement) of each droppable index and trigger on the bulk-loaded tables."""
    if conn.dialect.name == "postgresql":
        found = conn.execute(
            sa.text(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                "LEFT JOIN pg_constraint c ON c.conname = i.indexname "
                "WHERE i.schemaname = 'public' AND i.tablename = ANY(:t) AND c.conname IS NULL"
            ),
            {"t": list(tables)},
        )
        return [(name, sql) for name, sql in found]
    found = conn.execute(
        sa.text(
            "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
            "AND sql IS NOT NULL AND tbl_name IN (SELECT value FROM json_each(:t))"
        ),
        {"t": __import__("json").dumps(list(tables))},
    )
    return [(f"{kind}:{name}", sql) for kind, name, sql in found]


def _drop(conn: Connection, objects: list[tuple[str, str]]) -> None:
    for name, _ in objects:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
        else:
            kind, bare = name.split(":", 1)
            conn.exec_driver_sql(f'DROP {kind.upper()} "{bare}"')


def _log(text: str) -> None:
    print(f"    seed: {text}", file=sys.stderr, flush=True)


def seed(engine: Engine, *, interactions: int = 100_000, messages: int = 1_000_000) -> SeedFacts:
    """Fills a migrated, empty database; returns what the benchmark queries for."""
    started = time.perf_counter()
    rng = random.Random(20251201)
    facts = SeedFacts(interactions=interactions)
    messaging = dict(TYPE_MIX)["messaging"]  # only messaging interactions have messages
    per_interaction = messages / (interactions * messaging) - 0.5  # mean of int(expo) + 1
    bulk = ("interaction", "message", "live_group_member", "interaction_view", "person_phone")
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
        dropped = _secondary_indexes(conn, bulk)
        _drop(conn, dropped)
        writer = _Writer(conn)
        agents = _agents(writer, facts)
        people = _people(writer, rng, interactions)
        _interactions(writer, rng, facts, agents, people, per_interaction)
        _log("rebuilding indexes")
        for _, create in dropped:
            conn.exec_driver_sql(create)
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("INSERT INTO message_fts(message_fts) VALUES ('rebuild')")
        _log("conversation facts")  # what the services keep with each message (reports)
        rebuild_conversation_facts(conn)
    if engine.dialect.name == "postgresql":  # fresh statistics and visibility map, as autovacuum
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    facts.seconds = time.perf_counter() - started
    return facts


def facts_of(conn: Connection) -> SeedFacts:
    """The facts `seed` returned, read back from a seeded database."""

    def one(sql: str, **bound: object) -> Any:
        return conn.execute(sa.text(sql), bound).one()

    interactions, messages = one(
        "SELECT (SELECT COUNT(*) FROM interaction), (SELECT COUNT(*) FROM message)"
    )
    (busiest,) = one(
        "SELECT assigned_agent_id FROM interaction WHERE assigned_agent_id IS NOT NULL "
        "GROUP BY assigned_agent_id ORDER BY COUNT(*) DESC, assigned_agent_id LIMIT 1"
    )
    (supervisor,) = one("SELECT user_id FROM user_role WHERE role = 'supervisor' LIMIT 1")
    number, phone, first, last = one(
        "SELECT i.number, i.phone, COALESCE(c.first_name, k.first_name), "
        "COALESCE(c.last_name, k.last_name) FROM interaction i "
        "LEFT JOIN consumer c ON c.id = i.consumer_id LEFT JOIN contact k ON k.id = i.contact_id "
        "WHERE i.id = :id",
        id=max(1, interactions // 10),
    )
    return SeedFacts(
        interactions=interactions,
        messages=messages,
        agent_ids=list(range(1, 51)),
        supervisor_id=supervisor,
        busiest_agent_id=busiest,
        sample_number=number,
        sample_name=f"{first} {last}",
        sample_phone=_typed(phone) if phone else "",
    )


def _typed(phone: str) -> str:
    """A +1 number as an agent types it: (415) 555-0123."""
    return f"({phone[2:5]}) {phone[5:8]}-{phone[8:]}"


def _agents(writer: _Writer, facts: SeedFacts) -> list[int]:
    now = SEED_START
    users, roles = [], []
    for n in range(1, 52):
        username = "supervisor" if n == 51 else f"agent{n:02d}"
        users.append(
            {
                "id": n,
                "username": username,
                "display_name": username.title(),
                "email": None,
                "password_hash": PASSWORD_HASH,
                "is_active": True,
                "created_at": now,
                "notify_sound": False,
                "notify_desktop": False,
            }
        )
        roles.append({"user_id": n, "role": "agent_workspace_user"})
    roles.append({"user_id": 51, "role": "supervisor"})
    writer.write("app_user", users)
    writer.write("user_role", roles)
    writer.write(
        "channel",
        [
            {
                "id": 1,
                "name": "SMS",
                "kind": "sms",
                "attachment_types": "image/jpeg,image/png,image/gif",
                "attachment_max_bytes": 5 * 1024 * 1024,
                "attachment_max_files": 10,
                "quiet_hours_enabled": False,
                "quiet_start_minute": 8 * 60,
                "quiet_end_minute": 21 * 60,
                "quiet_state_rules": True,
                "quiet_reply_exempt_hours": 24,
                "created_at": now,
            }
        ],
    )
    writer.write(
        "provider_number",
        [{"id": 1, "channel_id": 1, "e164": SUPPORT_NUMBER, "label": "Support", "is_active": True}],
    )
    facts.agent_ids = list(range(1, 51))
    facts.supervisor_id = 51
    return facts.agent_ids


@dataclass(frozen=True)
class _Person:
    kind: str  # consumer | contact
    id: int
    phone: str
    profile_id: int
    name: str


def _people(writer: _Writer, rng: random.Random, interactions: int) -> list[_Person]:
    """About 0.6 people per interaction: many people come back."""
    count = max(10, int(interactions * 0.6))
    writer.write(
        "account",
        [{"id": n, "name": f"Account {n}", "created_at": SEED_START} for n in range(1, 501)],
    )
    consumers, contacts, phones, profiles, people = [], [], [], [], []
    for n in range(1, count + 1):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        phone = f"+1{rng.choice((415, 628, 510, 650))}{2000000 + n:07d}"
        contact = n % 4 == 0
        row = {
            "id": n,
            "first_name": first,
            "last_name": last,
            "email": None,
            "country": "US",
            "created_at": SEED_START,
        }
        if contact:
            contacts.append({**row, "account_id": 1 + n % 500})
        else:
            consumers.append(row)
        owner = {"consumer_id": None if contact else n, "contact_id": n if contact else None}
        phones.append({"id": n, **owner, "e164": phone, "kind": "mobile", "is_primary": True})
        profiles.append(
            {
                "id": n,
                "channel_id": 1,
                "phone": phone,
                **owner,
                "is_active": True,
                "created_at": SEED_START,
                "deactivated_at": None,
            }
        )
        people.append(_Person("contact" if contact else "consumer", n, phone, n, f"{first} {last}"))
    for table, rows in (
        ("consumer", consumers),
        ("contact", contacts),
        ("person_phone", phones),
        ("channel_user_profile", profiles),
    ):
        writer.write(table, rows)
    _log(f"{count:,} people")
    return people


def _interactions(
    writer: _Writer,
    rng: random.Random,
    facts: SeedFacts,
    agents: list[int],
    people: list[_Person],
    per_interaction: float,
) -> None:
    """Interactions in time order, each with its messages, live group and read markers."""
    busy = {a: 0 for a in agents}
    active_phones: set[str] = set()
    message_id = member_id = 0
    batch: dict[str, list[dict[str, Any]]] = {
        "interaction": [],
        "message": [],
        "live_group_member": [],
        "interaction_view": [],
    }
    span = timedelta(days=365)
    for n in range(1, facts.interactions + 1):
        opened = SEED_START + span * (n / facts.interactions) + timedelta(seconds=rng.random() * 60)
        person = rng.choice(people)
        kind = _pick(rng, TYPE_MIX)
        state = _pick(rng, STATE_MIX)
        if state in ACTIVE_STATES and kind == "messaging":
            if person.phone in active_phones:  # one active messaging interaction per phone
                state = InteractionState.CLOSED_COMPLETE
            else:
                active_phones.add(person.phone)
        roll = rng.random()
        virtual = roll < 0.10 and kind == "messaging"
        agent = None if virtual or roll > 0.98 else rng.choice(agents)
        if agent is not None and rng.random() < 0.1:  # a busy agent, as every team has
            agent = agents[0]
        count = max(1, int(rng.expovariate(1 / per_interaction)) + 1) if kind == "messaging" else 0
        at = opened
        last: dict[str, Any] | None = None
        waiting_since: datetime | None = None
        first_message_id = message_id + 1
        for _ in range(count):
            message_id += 1
            at += timedelta(seconds=rng.randrange(20, 3600))
            roll = rng.random()
            direction = "note" if roll < 0.02 else ("inbound" if roll < 0.55 else "outbound")
            body = _body(rng)
            message = {
                "id": message_id,
                "interaction_id": n,
                "direction": direction,
                "body": body,
                "from_number": person.phone if direction == "inbound" else SUPPORT_NUMBER,
                "to_number": SUPPORT_NUMBER if direction == "inbound" else person.phone,
                "status": {"inbound": "received", "outbound": "delivered", "note": "note"}[
                    direction
                ],
                "provider_sid": None if direction == "note" else f"SM{message_id:032x}",
                "author_id": agent if direction != "inbound" else None,
                "segments": 1,
                "created_at": at,
                "updated_at": at,
                "sent_at": at if direction == "outbound" else None,
                "delivered_at": at if direction == "outbound" else None,
                "attempts": 1 if direction == "outbound" else 0,
                "needs_reconcile": False,
                "status_checks": 0,
            }
            batch["message"].append(message)
            if direction == "note":
                continue
            last = message
            waiting_since = (waiting_since or at) if direction == "inbound" else None
        closed = state not in ACTIVE_STATES
        closed_at = at + timedelta(minutes=rng.randrange(1, 600)) if closed else None
        updated = closed_at or at
        number = f"IMS{1_000_000 + n:07d}"
        batch["interaction"].append(
            {
                "id": n,
                "number": number,
                "type": kind,
                "state": state.value,
                "channel_id": 1 if kind == "messaging" else None,
                "phone": person.phone if kind == "messaging" else None,
                "profile_id": person.profile_id if kind == "messaging" else None,
                "consumer_id": person.id if person.kind == "consumer" else None,
                "contact_id": person.id if person.kind == "contact" else None,
                "assigned_agent_id": agent,
                "virtual_agent": virtual,
                "case_id": None,
                "short_description": "",
                "opened_at": opened,
                "updated_at": updated,
                "closed_at": closed_at,
                "previous_interaction_id": None,
                "last_message_at": last["created_at"] if last else None,
                "last_message_preview": preview_line(last["body"]) if last else "",
                "last_message_inbound": bool(last and last["direction"] == "inbound"),
                "awaiting_reply_since": waiting_since,
            }
        )
        members = [agent] if agent is not None else []
        if agent is not None and rng.random() < 0.1:
            members.append(rng.choice(agents))
        for member in dict.fromkeys(members):
            member_id += 1
            batch["live_group_member"].append(
                {
                    "id": member_id,
                    "interaction_id": n,
                    "agent_id": member,
                    "joined_at": opened,
                    "left_at": closed_at,
                    "join_reason": "assigned" if member == agent else "joined",
                    "left_reason": "closed" if closed else None,
                }
            )
            if count:  # the agent has read it, all but the last message or two when active
                unread = rng.choice((0, 0, 1, 2)) if not closed else 0
                batch["interaction_view"].append(
                    {
                        "agent_id": member,
                        "interaction_id": n,
                        "last_seen_message_id": max(first_message_id - 1, message_id - unread),
                        "seen_at": updated,
                    }
                )
        if agent is not None:
            busy[agent] += 1
        if n == facts.interactions // 10:  # an old interaction: search must reach back
            facts.sample_number = number
            facts.sample_name = person.name
            facts.sample_phone = _typed(person.phone)
        if len(batch["message"]) >= 50_000 or n == facts.interactions:
            for table in ("interaction", "message", "live_group_member", "interaction_view"):
                writer.write(table, batch[table])
                batch[table] = []
            if n % 20_000 < 5 or n == facts.interactions:
                _log(f"{n:,} interactions, {message_id:,} messages")
    facts.messages = message_id
    facts.busiest_agent_id = max(busy, key=lambda a: busy[a])
    writer.write("counter", [{"name": "interaction", "value": 1_000_000 + facts.interactions}])
    if writer.postgres:
        for table in (
            "app_user",
            "account",
            "consumer",
            "contact",
            "person_phone",
            "channel",
            "provider_number",
            "channel_user_profile",
            "interaction",
            "message",
            "live_group_member",
        ):
            most = f'SELECT COALESCE(MAX(id), 1) FROM "{table}"'  # noqa: S608 (our names)
            writer.conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), ({most}))"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url", help="a migrated, empty database")
    parser.add_argument("--interactions", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=1_000_000)
    args = parser.parse_args()
    from agent_workspace.db.engine import make_engine

    engine = make_engine(args.url)
    facts = seed(engine, interactions=args.interactions, messages=args.messages)
    print(facts)


if __name__ == "__main__":
    main()
