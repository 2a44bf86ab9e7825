"""Starts the real workspace (production build) the way the run command does, for e2e tests."""

from __future__ import annotations

import gzip
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from agent_workspace.config import PROJECT_ROOT

# Debian's Chromium, with the flags that keep it off this machine's closed network.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Outside development the settings refuse placeholder secrets; tests use a fresh real one.
TEST_SECRET = secrets.token_urlsafe(32)
# Tests run in `test`, which (like production) allows the simulator and a loopback http URL only
# when asked for; every test process asks, and the e2e workspace also asks for the demo data.
TEST_OPT_INS = {"AW_SIMULATOR": "true", "AW_ALLOW_INSECURE_PUBLIC_URL": "true"}


_BUILT: dict[str, Path] = {}  # this test process's first build


def relocate(built: Path, web: Path, url: str) -> bool:
    """Copies the build in `built` to `web` for the public `url`; False (and nothing in `web`)
    when the build's own URL is not where it is expected."""
    stamp = json.loads((built / "build.json").read_text())
    old, new = urlsplit(stamp["public_url"]), urlsplit(url)
    pairs = [
        (f"{old.scheme}://{old.netloc}", f"{new.scheme}://{new.netloc}"),
        (f"{_WS[old.scheme]}://{old.netloc}", f"{_WS[new.scheme]}://{new.netloc}"),
    ]
    shutil.rmtree(web, ignore_errors=True)
    shutil.copytree(built, web)
    modules = list((web / "client" / "assets").glob("reflex-env-*.js"))
    for module in modules:
        text = module.read_text()
        for before, after in pairs:
            text = text.replace(before, after)
        module.write_text(text)
        zipped = module.with_name(module.name + ".gz")
        if zipped.exists():
            zipped.write_bytes(gzip.compress(text.encode()))
    left = [
        path
        for path in web.rglob("*")
        if path.is_file() and path.suffix != ".gz" and old.netloc.encode() in path.read_bytes()
    ]
    if len(modules) != 1 or left != [web / "build.json"]:
        shutil.rmtree(web, ignore_errors=True)
        return False
    (web / "build.json").write_text(json.dumps({**stamp, "public_url": url}, indent=2))
    return True


_WS = {"http": "ws", "https": "wss"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class WorkspaceServer:
    """`agent_workspace.cli build`, `prepare` then `serve` on a free loopback port, in its own
    process group."""

    def __init__(
        self,
        data_dir: Path,
        extra_env: dict[str, str] | None = None,
        serve_args: tuple[str, ...] = (),
        host: str = "127.0.0.1",
    ) -> None:
        self.serve_args = serve_args
        self.host = host
        self.port = free_port()
        self.simulator_port = free_port()
        self.url = f"http://{host}:{self.port}"
        self.simulator_url = f"http://127.0.0.1:{self.simulator_port}"
        self.log_path = data_dir / "server.log"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("AW_", "TWILIO_"))},
            "AW_ENVIRONMENT": "test",
            # Each line reaches server.log as written: a failed test's report shows its tail,
            # and a block-buffered stdout lost the last seconds when the server was stopped.
            "PYTHONUNBUFFERED": "1",
            "AW_BCRYPT_ROUNDS": "4",
            "AW_SECRET_KEY": TEST_SECRET,
            "AW_DATABASE_URL": f"sqlite:///{data_dir / 'workspace.db'}",
            "AW_STORAGE_DIR": str(data_dir / "files"),
            "AW_PUBLIC_BASE_URL": self.url,
            "AW_SIMULATOR_PORT": str(self.simulator_port),
            "AW_OUTBOX_POLL_SECONDS": "0.2",
            "AW_FILE_SWEEP_SECONDS": "1",
            **TEST_OPT_INS,
            "AW_DEMO_DATA": "true",
            # Its own build: the pages connect to this server's URL, so a workspace already
            # running from the checkout (or another test run) is not touched.
            "AW_WEB_DIR": str(data_dir / "web"),
            **(extra_env or {}),
        }
        self.process: subprocess.Popen[bytes] | None = None

    def cli(self, *args: str, stdin: str | None = None) -> None:
        """Runs a command of the CLI against this workspace, as its operator would."""
        subprocess.run(
            [sys.executable, "-m", "agent_workspace.cli", *args],
            input=None if stdin is None else stdin.encode(),
            cwd=PROJECT_ROOT,
            env=self.env,
            check=True,
        )

    def start(self, timeout: float = 240) -> None:
        cli = [sys.executable, "-m", "agent_workspace.cli"]
        self._frontend(cli)
        subprocess.run([*cli, "prepare"], cwd=PROJECT_ROOT, env=self.env, check=True)
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [*cli, "serve", "--host", self.host, "--port", str(self.port), *self.serve_args],
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = self.log_path.read_text()[-4000:]
                raise RuntimeError(f"workspace exited early:\n{tail}")
            try:
                ping = httpx.get(f"{self.url}/ping", timeout=1)
                if ping.status_code == 200 and httpx.get(self.url, timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"workspace did not start:\n{self.log_path.read_text()[-4000:]}")

    def _frontend(self, cli: list[str]) -> None:
        """This server's pages. The first server of a test process builds them (`build`, 15-25 s
        of both cores); the next copy that build and put their own URL where Reflex put the
        first one's, in one module and its gzip copy, and stamp it for their URL, as `build`
        would have. The code it was compiled from is the same, so its stamp's fingerprint holds.
        Should Reflex put the URL elsewhere, the copy is dropped and the server builds."""
        web = Path(self.env["AW_WEB_DIR"])
        url = self.env["AW_PUBLIC_BASE_URL"].rstrip("/")
        built = _BUILT.get("web")
        if built is not None and relocate(built, web, url):
            return
        subprocess.run([*cli, "build"], cwd=PROJECT_ROOT, env=self.env, check=True)
        _BUILT.setdefault("web", web)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
