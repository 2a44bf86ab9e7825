"""What the live-push and sessions benchmarks share: a production workspace seeded with bench
agents, a Chromium tab that times when a text reaches the screen, signed webhooks posted
straight to the app as Twilio posts them, and the app's memory.

Everything goes through public interfaces (HTTP, the websocket, the browser); the only thing
done behind the app's back is creating the bench agents with the account services, against the
app's database, before the app starts (as `python -m agent_workspace.cli create-user` would).
"""

from __future__ import annotations

import asyncio
import os
import resource
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import httpx
from playwright.async_api import Browser, Page
from twilio.request_validator import RequestValidator

from agent_workspace.config import PROJECT_ROOT, SIMULATOR_ACCOUNT_SID
from tests.support.servers import CHROMIUM, WorkspaceServer

INTERACTION_ID = 1  # IMS0001001, Maria Garcia's conversation with alice (demo data)
PHONE = "+14155550123"  # Maria Garcia
PROVIDER = "+14155550100"
WAIT_MS = 15_000  # bound on every wait for a text to show

# Stores when the armed text first shows in the Messages list (and, in delivered mode, when that
# message's Delivery status badge first reads Delivered). Date.now() is the wall clock Python reads.
OBSERVER = """
() => {
  if (window.__aw) return;
  const state = {target: null, withDelivery: false, shown: null, delivered: null, done: null};
  const settle = () => {
    if (state.done && state.shown !== null) { state.done(); state.done = null; }
  };
  const check = () => {
    if (state.target === null || (state.shown !== null && !state.withDelivery)) return;
    if (state.delivered !== null) return;
    const list = document.querySelector('[role="list"][aria-label="Messages"]');
    if (!list || !list.textContent.includes(state.target)) return;
    const now = Date.now();
    if (state.shown === null) { state.shown = now; settle(); }
    if (!state.withDelivery) return;
    for (const item of list.querySelectorAll('[role="listitem"]')) {
      if (!item.textContent.includes(state.target)) continue;
      for (const badge of item.querySelectorAll('[aria-label="Delivery status"]')) {
        if (badge.textContent.trim() === 'Delivered') state.delivered = now;
      }
    }
  };
  new MutationObserver(check).observe(
    document.body, {childList: true, subtree: true, characterData: true});
  window.__aw = {
    arm(target, withDelivery) {
      Object.assign(state, {target, withDelivery, shown: null, delivered: null});
      check();
    },
    result() { return {shown: state.shown, delivered: state.delivered}; },
    // Resolves once the armed text shows, or after `ms`: no polling, so the measuring tab
    // takes no CPU from the server while it waits.
    whenShown(ms) {
      return new Promise((resolve) => {
        const timer = setTimeout(resolve, ms);
        state.done = () => { clearTimeout(timer); resolve(); };
        settle();
      });
    },
    waiting() { return state.done !== null; },
  };
}
"""


def log(message: str) -> None:
    print(f"    {message}", file=sys.stderr, flush=True)


def bench_sign_ins(count: int) -> list[tuple[str, str]]:
    return [(f"bench{n:04d}", f"bench{n:04d}-bench-pass") for n in range(count)]


def ensure_chromium() -> None:
    """Debian's chromium, installed by scripts/bootstrap.sh's ensure_chromium when missing."""
    if not Path(CHROMIUM).exists():
        script = f"source {PROJECT_ROOT / 'scripts' / 'bootstrap.sh'} && ensure_chromium"
        subprocess.run(["bash", "-c", script], check=True)


def raise_open_files_limit() -> None:
    """A thousand sockets on each side: the server inherits this process's limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


@dataclass(frozen=True)
class BenchWorkspace:
    server: WorkspaceServer
    auth_token: str  # what the app checks webhook signatures with


@contextmanager
def seeded_workspace(
    data_dir: Path,
    agents: int,
    join_live_group: bool,
    extra_env: dict[str, str] | None = None,
    serve_args: tuple[str, ...] = (),
) -> Iterator[BenchWorkspace]:
    """The production workspace with demo data plus `agents` bench agents (in IMS0001001's
    live group when asked, so its every message is on their lists too); stopped on exit.
    `extra_env` and `serve_args` as tests/support/servers.py takes them (another database,
    workers)."""
    raise_open_files_limit()
    # A benchmark stopped with SIGTERM still stops its server (finally blocks run on exit).
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    # The production poll (a fallback: commits wake the dispatcher), not the tests' 0.2 s,
    # whose passes would otherwise share the cores with every measured push.
    server = WorkspaceServer(
        data_dir,
        extra_env={"AW_OUTBOX_POLL_SECONDS": "5", **(extra_env or {})},
        serve_args=serve_args,
    )
    try:
        cli = [sys.executable, "-m", "agent_workspace.cli", "prepare"]
        subprocess.run(cli, cwd=PROJECT_ROOT, env=server.env, check=True, stdout=subprocess.DEVNULL)
        started = time.perf_counter()
        token = _create_agents(server.env, agents, join_live_group)
        log(f"{agents} bench agents created in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        server.start()
        log(f"workspace up in {time.perf_counter() - started:.0f} s at {server.url}")
        yield BenchWorkspace(server, token)
    finally:
        server.stop()
        signal.signal(signal.SIGTERM, previous)


def _create_agents(env: dict[str, str], count: int, join_live_group: bool) -> str:
    """In a child process with the app's settings, so this process keeps no app state;
    returns the auth token the app checks webhook signatures with."""
    code = (
        "import sys\n"
        "from benchmarks.harness import create_agents_here\n"
        "print(create_agents_here(int(sys.argv[1]), sys.argv[2] == '1'))\n"
    )
    flag = "1" if join_live_group else "0"
    done = subprocess.run(
        [sys.executable, "-c", code, str(count), flag],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip().splitlines()[-1]


def create_agents_here(count: int, join_live_group: bool) -> str:
    from agent_workspace.config import get_settings
    from agent_workspace.db.engine import transaction
    from agent_workspace.models import Interaction, Role
    from agent_workspace.services.accounts import users
    from agent_workspace.services.interactions import live_group

    for chunk in range(0, count, 100):
        with transaction() as session:
            interaction = session.get(Interaction, INTERACTION_ID)
            assert interaction is not None
            for username, password in bench_sign_ins(count)[chunk : chunk + 100]:
                user = users.create_user(
                    session=session,
                    username=username,
                    display_name=f"Bench {username[5:]}",
                    password=password,
                    roles=(Role.AGENT,),
                    via="benchmark",
                )
                if join_live_group:
                    assert user.id is not None
                    live_group.join_live_group(
                        session=session, actor="system", interaction=interaction, agent_id=user.id
                    )
    return get_settings().provider_account().auth_token


def inbound_form(body: str) -> dict[str, str]:
    """The form Twilio posts to a number's messaging webhook for one inbound SMS."""
    sid = "SM" + secrets.token_hex(16)
    return {
        "ToCountry": "US",
        "FromCountry": "US",
        "SmsMessageSid": sid,
        "SmsSid": sid,
        "MessageSid": sid,
        "SmsStatus": "received",
        "AccountSid": SIMULATOR_ACCOUNT_SID,
        "From": PHONE,
        "To": PROVIDER,
        "Body": body,
        "NumMedia": "0",
        "NumSegments": "1",
        "ApiVersion": "2010-04-01",
    }


class WebhookTarget:
    """Where a bench workspace takes inbound webhooks, and one as the bytes Twilio would send."""

    def __init__(self, bench: BenchWorkspace) -> None:
        server = bench.server
        self.url = f"{server.env['AW_PUBLIC_BASE_URL'].rstrip('/')}/api/twilio/inbound"
        address = httpx.URL(server.url)
        self.host, self.port = address.host, address.port or 80
        self.validator = RequestValidator(bench.auth_token)

    def signed(self, form: dict[str, str]) -> bytes:
        """The whole signed request for `form`, ready to write to a kept-alive connection."""
        payload = urlencode(form).encode()
        signature = self.validator.compute_signature(self.url, form)
        head = (
            f"POST /api/twilio/inbound HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"X-Twilio-Signature: {signature}\r\nContent-Length: {len(payload)}\r\n\r\n"
        )
        return head.encode() + payload


class Webhooks(WebhookTarget):
    """Posts signed inbound webhooks straight to /api/twilio/inbound, signed over
    AW_PUBLIC_BASE_URL + path exactly as Twilio signs them.

    Each request is built and signed first (`prepare`) and then written whole to one kept-alive
    connection (`send`): the time measured from the write is the app's, not this client's
    (httpx had spent about a millisecond building each request before its first byte left)."""

    def __init__(self, bench: BenchWorkspace) -> None:
        super().__init__(bench)
        self._stream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def prepare(self, body: str) -> bytes:
        """Before t0: the whole request for one inbound text, as the bytes Twilio would send,
        and an open connection to write it to. One the server closed while it sat idle
        (Granian ends idle keep-alive connections; the capacity ramp waits half a minute
        between steps) is opened again here, not inside the measured round trip."""
        request = self.signed(inbound_form(body))
        if self._stream is not None and self._stream[0].at_eof():
            await self.close()
        if self._stream is None:
            self._stream = await asyncio.open_connection(self.host, self.port)
        return request

    async def send(self, request: bytes) -> float:
        """Writes one prepared request; returns its round trip in ms (raises unless answered
        200)."""
        assert self._stream is not None, "prepare() first"
        reader, writer = self._stream
        started = time.perf_counter()
        writer.write(request)
        status, headers = await _response_head(reader)
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        elapsed = (time.perf_counter() - started) * 1000
        if headers.get("connection", "").lower() == "close":
            await self.close()
        if status != 200:
            raise RuntimeError(f"webhook answered {status}: {body[:200]!r}")
        return elapsed

    async def close(self) -> None:
        if self._stream is not None:
            self._stream[1].close()
            self._stream = None


async def _response_head(reader: asyncio.StreamReader) -> tuple[int, dict[str, str]]:
    """Status and headers of an HTTP/1.1 answer (the app answers webhooks with a length)."""
    lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", ""):
        raise RuntimeError("webhook answered chunked; the harness reads answers with a length")
    return status, headers


class Screen:
    """A Chromium tab signed in as alice with IMS0001001 open; a MutationObserver stores
    Date.now() when an armed text first shows in the Messages list."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self._waiting: asyncio.Future[object] | None = None

    @classmethod
    async def open(cls, browser: Browser, server: WorkspaceServer) -> Screen:
        page = await (await browser.new_context()).new_page()
        page.set_default_timeout(WAIT_MS)
        await page.goto(f"{server.url}/login")
        await page.get_by_label("Username").fill("alice")
        await page.get_by_label("Password").fill("alice-demo-pass")
        await page.get_by_role("button", name="Sign in").click()
        await page.get_by_role("link", name="IMS0001001").first.wait_for()
        await page.goto(f"{server.url}/interactions/{INTERACTION_ID}")
        await page.get_by_role("list", name="Messages").get_by_text("charged twice").wait_for()
        await page.evaluate(OBSERVER)
        return cls(page)

    async def arm(self, text: str) -> None:
        """Arms the observer and has the page already waiting before the webhook is posted: a
        wait asked for after the POST had gone through Playwright's driver process and the
        browser while the server pushed, on the same two cores."""
        await self.page.evaluate("([t]) => window.__aw.arm(t, false)", [text])
        self._waiting = asyncio.ensure_future(
            self.page.evaluate("([ms]) => window.__aw.whenShown(ms)", [WAIT_MS])
        )
        # A round that fails leaves the wait pending until the browser closes: not an error.
        self._waiting.add_done_callback(lambda f: f.cancelled() or f.exception())
        while not await self.page.evaluate("() => window.__aw.waiting()"):
            await asyncio.sleep(0.001)

    async def shown_at(self) -> float | None:
        """Wall-clock ms when the armed text showed, or None if it did not within WAIT_MS."""
        assert self._waiting is not None, "arm() first"
        await self._waiting
        shown = await self.page.evaluate("() => window.__aw.result().shown")
        return None if shown is None else float(shown)


def app_processes(server: WorkspaceServer) -> list[int]:
    """The workspace's processes (its session), less the Twilio simulator's."""
    assert server.process is not None
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getsid(int(entry.name)) != server.process.pid:
                continue
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except (ProcessLookupError, PermissionError, FileNotFoundError):
            continue
        if b"simulator" not in cmdline:
            found.append(int(entry.name))
    return found


def rss_mib(pids: list[int]) -> float:
    total_kib = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kib += int(line.split()[1])
        except FileNotFoundError:
            continue
    return total_kib / 1024
