"""Queued messages and running dispatchers for the outbox tests and benchmarks, built through the
real services; `python -m tests.support.outbox_load USER_ID USERNAME TO BODY` queues one message
from another process (so only a cross-process wake-up can tell this one's dispatcher about it)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from agent_workspace.config import PROJECT_ROOT
from agent_workspace.models import Role
from agent_workspace.services.access import Actor
from agent_workspace.services.outbox.dispatch import Dispatcher
from agent_workspace.services.sending.send import SendRequest, send_sms
from tests.support.factories import SUPPORT_NUMBER, make_consumer
from tests.support.waiting import wait_until

PHONES = tuple(f"+1201555{n:04d}" for n in range(2000, 2020))  # outside the magic block


def make_recipients(phones: tuple[str, ...] = PHONES) -> tuple[str, ...]:
    for n, phone in enumerate(phones):
        make_consumer(f"Load{n}", phone)
    return phones


def queue_messages(
    agent: Actor, how_many: int, *, tag: str, phones: tuple[str, ...] = PHONES, threads: int = 4
) -> dict[int, str]:
    """Queues `how_many` messages with unique bodies (`tag` n) over `phones`; id -> body."""

    def one(n: int) -> tuple[int, str]:
        body = f"{tag} {n}"
        request = SendRequest(SUPPORT_NUMBER, phones[n % len(phones)], body)
        return send_sms(actor=agent, request=request).message_id, body

    # One thread per phone group: sends to the same phone queue up on its lock anyway.
    with ThreadPoolExecutor(threads) as pool:
        return dict(pool.map(one, range(how_many)))


@contextlib.contextmanager
def running(dispatcher: Dispatcher, *, timeout: float = 30) -> Iterator[Dispatcher]:
    """`dispatcher.run_forever()` on its own loop and thread, until the block ends; yields once
    its listener (if any) listens and it waits with nothing to claim."""
    loop = asyncio.new_event_loop()
    task = loop.create_task(dispatcher.run_forever())

    def main() -> None:
        with contextlib.suppress(asyncio.CancelledError):
            loop.run_until_complete(task)
        loop.close()

    thread = threading.Thread(target=main, name="dispatcher-under-test", daemon=True)
    thread.start()
    try:
        listening = getattr(dispatcher.listener, "listening", None)

        def ready() -> bool:
            assert thread.is_alive(), "the dispatcher thread ended before it was ready"
            return dispatcher.idle.is_set() and (listening is None or listening.is_set())

        wait_until(ready, timeout=timeout, what="the dispatcher to listen and go idle")
        if listening is not None:  # the first connect wakes it once: let that pass finish
            wait_until(
                lambda: dispatcher.wakeups["reconnect"] and dispatcher.idle.is_set(),
                timeout=timeout,
                what="the dispatcher's first connect to be handled",
            )
        yield dispatcher
    finally:
        loop.call_soon_threadsafe(task.cancel)
        thread.join(30)


class DispatcherProcesses:
    """`python -m agent_workspace.cli dispatch` in `count` processes of their own (the outbox
    part of as many workers), with this process's settings; stopped by PID."""

    def __init__(self, count: int, log_dir: Path, extra_env: dict[str, str] | None = None) -> None:
        self.count = count
        self.log_dir = log_dir
        self.env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), **(extra_env or {})}
        self.processes: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> DispatcherProcesses:
        for n in range(self.count):
            log = (self.log_dir / f"dispatcher-{n}.log").open("wb")
            self.processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "agent_workspace.cli", "dispatch"],
                    env=self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        return self

    def alive(self) -> bool:
        return all(p.poll() is None for p in self.processes)

    def logs(self) -> str:
        return "\n".join(p.read_text()[-2000:] for p in sorted(self.log_dir.glob("dispatcher-*")))

    def __exit__(self, *exc: object) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def queue_from_another_process(agent: Actor, to: str, body: str) -> None:
    """Queues one message through send_sms in a fresh Python process (same settings)."""
    args = [str(agent.user_id), agent.username, to, body]
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    # Run from the test's folder (no .env of the checkout), as the test process does.
    subprocess.run(
        [sys.executable, "-m", "tests.support.outbox_load", *args], env=env, check=True, timeout=120
    )


def _main(user_id: str, username: str, to: str, body: str) -> None:
    agent = Actor(int(user_id), username, username, frozenset({Role.AGENT}))
    send_sms(actor=agent, request=SendRequest(SUPPORT_NUMBER, to, body))


if __name__ == "__main__":
    _main(*sys.argv[1:5])
