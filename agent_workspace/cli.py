"""Command line (`agent-workspace`, or `python -m agent_workspace.cli`): `prepare` (migrate +
demo data), `build` (the frontend, once) and `serve` for the run script, and the account and
set-up commands (cli_accounts.py, cli_setup.py).

Every command first builds the Settings; an unsafe deployment (see config.deployment_problems)
is refused there with one line per problem and what to set, before anything is touched.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import TextIO

import httpx
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError

from agent_workspace import cli_accounts, cli_setup
from agent_workspace.config import get_settings
from agent_workspace.domain.attachments import describe_size
from agent_workspace.ops import health, log_lines, logs
from agent_workspace.ops.metrics import MULTIPROC_ENV
from agent_workspace.services.accounts.users import has_active_admin
from agent_workspace.services.demo_data import (
    DemoUser,
    demo_account_problems,
    load_demo_data,
    working_demo_sign_ins,
)
from agent_workspace.services.errors import ServiceError
from agent_workspace.services.files import collection
from agent_workspace.serving import build as frontend
from agent_workspace.serving.run_dir import reflex_env, run_dir
from agent_workspace.sources import cli_command, migration_config
from alembic import command

PROG = "agent_workspace"
log = logging.getLogger("agent_workspace.cli")  # also when run as __main__
FIRST_ADMIN_HINT = (
    "No administrator yet: create one with\n"
    + "  "
    + cli_command('create-user USERNAME --name "Full Name" --role admin')
)


def migrate(database_url: str | None = None) -> None:
    """Applies every Alembic migration (the prestart step; never done at import)."""
    command.upgrade(migration_config(database_url or get_settings().database_url), "head")


def _migrate_and_say() -> int:
    """`migrate`: applies what is missing, then says where the database is."""
    migrate()
    heads = ", ".join(sorted(health.script_heads()))
    print(f"The database is at the latest revision ({heads}).")
    return 0


def prepare() -> int:
    """Migrates; loads the demo data (published passwords) only where settings allow it.

    Outside development, unless a trial asked for the demo data, it then refuses (exit 1)
    while a demo account still signs in with its published password, as `serve` does.
    """
    migrate()
    settings = get_settings()
    if not settings.loads_demo_data:
        why = (
            "AW_DEMO_DATA=false"
            if settings.demo_data is False
            else f"AW_ENVIRONMENT={settings.environment}"
        )
        if settings.environment == "production":
            print("Demo data not loaded: a production install starts empty.")
        else:
            print(f"Demo data not loaded ({why}; set AW_DEMO_DATA=true to load it).")
    elif load_demo_data():
        print("Demo data loaded.")
    else:
        print("Demo data already present; nothing changed.")
    if not has_active_admin():
        print(FIRST_ADMIN_HINT)
    return _refuse_demo_accounts()


def _refuse_demo_accounts() -> int:
    """Outside development a database may hold demo accounts (a trial, a copied database):
    their passwords are in the README. Refused, one line each, until they are deactivated or
    given real passwords; a trial that set AW_DEMO_DATA=true (never production) may keep them."""
    settings = get_settings()
    if settings.environment == "development" or settings.loads_demo_data:
        return 0
    problems = demo_account_problems()
    for line in problems:
        print(f"{PROG}: {line}", file=sys.stderr)
    return 1 if problems else 0


def _refuse_missing_dependencies(*, redis: bool = True) -> int:
    """Before anything starts: the database answers and is migrated, Redis (if set) answers;
    else one line each naming the setting and the address tried, and 1."""
    settings = get_settings()
    found = health.problems(settings.database_url, settings.redis_url if redis else None)
    for problem in found:
        print(f"{PROG}: {problem.line}", file=sys.stderr)
    return 1 if found else 0


def _start_logged(
    name: str,
    command: list[str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """Starts a child whose output leaves this process as log lines (log_lines.py): what it
    prints without a logger is stamped with the time, a level and `name`."""
    settings = get_settings()
    child = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cwd,
        env=env,
    )
    for stream, out, level in (
        (child.stdout, sys.stdout, "INFO"),
        (child.stderr, sys.stderr, "WARNING"),
    ):
        assert stream is not None
        stamper = log_lines.Stamper(
            source=name,
            default_level=level,
            log_format=settings.log_format,
            level=settings.log_level,
        )
        _pumps.append(log_lines.pump(stream, functools.partial(_write_line, out), stamper))
    return child


_pumps: list[threading.Thread] = []
PUMP_DRAIN_SECONDS = 5.0


def _drain_pumps() -> None:
    """The children's last lines (how they stopped) are written before serve returns."""
    deadline = time.monotonic() + PUMP_DRAIN_SECONDS
    while _pumps:
        _pumps.pop().join(max(0.0, deadline - time.monotonic()))


def _write_line(out: TextIO, line: str) -> None:
    with contextlib.suppress(OSError, ValueError):  # nobody reads our output any more
        out.write(line + "\n")
        out.flush()


def _start_simulator() -> subprocess.Popen[bytes]:
    settings = get_settings()
    account = settings.provider_account()
    return _start_logged(
        "simulator",
        [
            sys.executable,
            "-m",
            "agent_workspace.sms.simulator",
            "--host",
            "127.0.0.1",
            "--port",
            str(settings.simulator_port),
            "--account-sid",
            account.account_sid,
            "--auth-token",
            account.auth_token,
            "--inbound-webhook-url",
            f"{settings.public_base_url}/api/twilio/inbound",
        ],
    )


def banner(url: str, *, sign_ins: tuple[DemoUser, ...], phone_url: str | None) -> str:
    """What the run command prints once the workspace answers."""
    lines = ["", "=" * 64, f"Agent Workspace is running at {url}"]
    if sign_ins:
        lines.append("Demo sign-ins:")
        lines += [
            f"  {u.username:<6} / {u.password:<16} ({', '.join(r.value for r in u.roles)})"
            for u in sign_ins
        ]
    if phone_url:
        lines.append(f"Consumer phone (Twilio simulator): {phone_url}")
    lines += ["=" * 64, ""]
    return "\n".join(lines)


def ready_banner(url: str, *, simulator: bool) -> str:
    """The banner for this deployment: demo sign-ins (published passwords, and only those that
    work) are printed in development alone; a trial elsewhere does not echo them to its logs."""
    settings = get_settings()
    demo = working_demo_sign_ins() if settings.environment == "development" else ()
    phone = f"{settings.simulator_url}/phone" if simulator else None
    return banner(url, sign_ins=demo, phone_url=phone)


def _announce_when_ready(url: str, simulator: bool) -> None:
    for _ in range(600):
        try:
            if httpx.get(f"{url}/ping", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    log.info("%s", ready_banner(url, simulator=simulator).strip("\n"))


def workers_problem(workers: int) -> str | None:
    """Why `serve --workers N` cannot run here, or None.

    Several workers need Reflex's Redis state manager: without it each worker keeps its own page
    state and a tab's events may land on a worker that has never seen it.
    """
    if workers < 1:
        return "--workers must be at least 1"
    if workers > 1 and not get_settings().redis_url:
        return (
            f"--workers {workers} needs AW_REDIS_URL (Reflex keeps page state in Redis and "
            "relays live updates between workers); set it, e.g. redis://127.0.0.1:6379/0"
        )
    return None


def serve(port: int, workers: int = 1, host: str = "127.0.0.1") -> int:
    """Serves the frontend `build` made (AW_WEB_DIR) on host:port with `workers` Granian worker
    processes (and the simulator); stops them together. Each worker runs an outbox dispatcher.
    It needs neither bun nor node and writes only into a folder of its own (run_dir.py).

    SIGTERM stops it as Ctrl-C does: a supervisor (systemd, a container runtime) sends it to
    this process alone, and Python's default would end it there and leave the web server and
    the simulator running on their ports."""
    if (problem := workers_problem(workers)) is not None:
        print(f"{PROG}: {problem}", file=sys.stderr)
        return 2
    if _refuse_missing_dependencies():
        return 1
    if _refuse_demo_accounts():
        return 1
    if (unbuilt := frontend.serving_problem(get_settings())) is not None:
        print(f"{PROG}: {unbuilt}", file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    simulator: subprocess.Popen[bytes] | None = None
    metrics_dir = _metrics_dir()
    try:
        simulator = _start_simulator() if get_settings().uses_simulator else None
        url = f"http://{_reachable(host)}:{port}"
        threading.Thread(
            target=_announce_when_ready, args=(url, simulator is not None), daemon=True
        ).start()
        with run_dir(get_settings().web_dir) as root:
            command = [sys.executable, "-m", "agent_workspace.serving.granian"]
            command += ["--host", host, "--port", str(port)]
            env = {
                **os.environ,
                **reflex_env(root),
                "GRANIAN_WORKERS": str(workers),
                MULTIPROC_ENV: str(metrics_dir),
            }
            reflex = _start_logged("reflex", command, cwd=root, env=env)
            try:
                return reflex.wait()
            except KeyboardInterrupt:
                return _stop(reflex)  # before its folder goes
    except KeyboardInterrupt:
        return 130
    finally:
        if simulator is not None:
            _stop(simulator)
        _drain_pumps()
        if MULTIPROC_ENV not in os.environ:
            shutil.rmtree(metrics_dir, ignore_errors=True)


def _metrics_dir() -> Path:
    """Where the workers keep their metrics for /metrics to add up (ops/metrics.py): the
    operator's PROMETHEUS_MULTIPROC_DIR, emptied (counts of an earlier run are not this
    one's), or a fresh folder removed when serve ends."""
    if given := os.environ.get(MULTIPROC_ENV):
        folder = Path(given)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.db"):
            stale.unlink()
        return folder
    return Path(tempfile.mkdtemp(prefix="aw-metrics-"))


def _reachable(host: str) -> str:
    """Where this machine reaches a server bound to `host` (all interfaces: loopback)."""
    if host in ("0.0.0.0", ""):  # noqa: S104 (a name for "every interface", not a bind)
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def _stop(process: subprocess.Popen[bytes], grace: float = 20) -> int:
    """Asks a child to stop (it stops its own workers), and ends it if it will not."""
    process.terminate()
    try:
        return process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()


def dispatch() -> int:
    """Runs only the outbox dispatcher (no web server) until interrupted: more sending
    processes beside the web workers, on the same database."""
    from agent_workspace.web.runtime import run_dispatcher

    if _refuse_missing_dependencies(redis=False):
        return 1
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop like Ctrl-C: cleanly
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_dispatcher())
    return 0


def collect_files() -> int:
    """One pass of the file collector the workers run every AW_FILE_SWEEP_SECONDS (e.g. to free
    what an older version left at once); safe beside them."""
    grace = get_settings().file_grace_seconds
    done = collection.collect_files(grace=timedelta(seconds=grace))
    print(
        f"Attached and never sent within {grace / 3600:g} h: {done.expired} removed. "
        f"Stored files nothing refers to: {done.deleted} deleted ({describe_size(done.freed)})."
    )
    return 0


def settings_refusals(error: ValidationError) -> list[str]:
    """One line per problem, naming the variable to set; values are never echoed (secrets)."""
    lines = []
    for problem in error.errors():
        where = f"AW_{str(problem['loc'][0]).upper()}: " if problem["loc"] else ""
        message = str(problem["msg"]).removeprefix("Value error, ")
        lines += [f"{where}{line}" for line in message.splitlines()]
    return lines


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, allow_abbrev=False)
    sub = parser.add_subparsers(dest="command", required=True)
    migrate_parser = sub.add_parser("migrate", help="apply database migrations", allow_abbrev=False)
    migrate_parser.set_defaults(handler=lambda _: _migrate_and_say())
    prepare_parser = sub.add_parser(
        "prepare", help="migrate; load the demo data where allowed", allow_abbrev=False
    )
    prepare_parser.set_defaults(handler=lambda _: prepare())
    serve_parser = sub.add_parser(
        "serve", help="start the workspace (and the simulator)", allow_abbrev=False
    )
    serve_parser.add_argument("--port", type=int, default=3000)
    serve_parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (127.0.0.1: only a proxy on this machine reaches it; "
        "0.0.0.0 in a container)",
    )
    serve_parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("GRANIAN_WORKERS", "1")),
        help="Granian worker processes (more than 1 needs AW_REDIS_URL)",
    )
    serve_parser.set_defaults(handler=lambda args: serve(args.port, args.workers, args.host))
    build_command = sub.add_parser(
        "build",
        help="build the frontend for AW_PUBLIC_BASE_URL into AW_WEB_DIR (needs bun and node 22)",
        allow_abbrev=False,
    )
    build_command.add_argument(
        "--force", action="store_true", help="build even if the build there is up to date"
    )
    build_command.set_defaults(handler=lambda a: frontend.build(get_settings(), force=a.force))
    dispatch_parser = sub.add_parser(
        "dispatch", help="run only the outbox dispatcher", allow_abbrev=False
    )
    dispatch_parser.set_defaults(handler=lambda _: dispatch())
    collect_parser = sub.add_parser(
        "collect-files",
        help="delete stored files nothing refers to (each worker does every AW_FILE_SWEEP_SECONDS)",
        allow_abbrev=False,
    )
    collect_parser.set_defaults(handler=lambda _: collect_files())
    cli_accounts.add_commands(sub)
    cli_setup.add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Runs one command; a refusal is printed as one line per problem, exit status 1 or 2."""
    args = build_parser().parse_args(argv)
    try:
        settings = get_settings()
    except ValidationError as error:
        for line in settings_refusals(error):
            print(f"{PROG}: {line}", file=sys.stderr)
        return 2
    logs.configure(settings.log_level, settings.log_format)
    try:
        return int(args.handler(args) or 0)
    except ServiceError as error:
        print(f"{PROG}: {error.message}", file=sys.stderr)
        return 1
    except OperationalError as error:  # the database went away, or never answered
        print(
            f"{PROG}: {health.database_unreachable(settings.database_url, error).line}",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
