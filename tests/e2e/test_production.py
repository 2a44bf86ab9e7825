"""A real team sets it up from the README and runs it in production (issue 24 items 4, 5, 12,
13): the Production section's commands, as written, in a scratch folder on PostgreSQL and
Redis; the service started as its systemd unit says, behind deploy/nginx/agent-workspace.conf
on a self-signed certificate; Chromium over https, live over the proxied websocket; a stand-in
for Twilio that reaches the workspace only through the proxy. Then the README's backup, restore
and upgrade, as written."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import ssl
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import redis
from playwright.sync_api import Browser, BrowserContext, FilePayload, Page, expect

from agent_workspace.config import PROJECT_ROOT
from agent_workspace.sms import compute_signature
from tests.e2e.pages import messages, send_now_if_quiet
from tests.e2e.tls_proxy import SITE, Nginx, self_signed, site_for_test
from tests.support import databases
from tests.support.dependencies import shared_redis_url
from tests.support.production import DEPLOY, Scratch, Unit, marked_blocks, pieces
from tests.support.servers import free_port
from tests.support.waiting import wait_until

REDIS_DB = 11  # this test's own Redis database
# Every test here is "for chromium", as the browser one is: pytest groups a browser's tests
# together, and a test left out of the group would be run apart and set the install up again.
pytestmark = pytest.mark.usefixtures("browser_name")
PASSWORDS = {"ada": "ada-runs-the-desk-here", "nina": "nina-answers-texts-all-day"}
SUPPORT = "+14155550100"
ROSA = "+14155550177"
# A 1x1 transparent PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
DEV_TOOLS = ("pytest", "playwright", "mypy", "ruff")


@dataclass
class Install:
    """The scratch install, its service and its proxy, as the README left them."""

    root: Path
    scratch: Scratch
    blocks: list[str]
    env: dict[str, str]
    url: str  # the public URL: nginx, https
    http_port: int  # nginx's port 80
    app_port: int
    simulator_url: str
    twilio_sid: str
    twilio_token: str
    tls_cert: Path
    serve_log: Path
    serve: subprocess.Popen[bytes] | None = None
    # What the source, the installed package and the build held before and after serve started.
    at_start: tuple[dict[str, tuple[int, int]], dict[str, tuple[int, int]]] = ({}, {})

    @property
    def venv(self) -> Path:
        return self.root / "opt" / "agent-workspace" / "venv"

    @property
    def web_dir(self) -> Path:
        return self.root / "var" / "lib" / "agent-workspace" / "web"

    @property
    def site_packages(self) -> Path:
        (found,) = (self.venv / "lib").glob("python3*/site-packages")
        return found

    def block(self, starts: str) -> str:
        (found,) = [b for b in self.blocks if b.lstrip().startswith(starts)]
        return found

    def run(self, block: str, **extra_env: str) -> str:
        """Runs a README block as written (localised), stopping and starting the service where
        it says `systemctl stop|start agent-workspace`; returns what it printed."""
        prelude = "" if block.startswith("aw()") else self.scratch.localise(self.block("aw()"))
        users = re.findall(r"create-user (\w+)", block)
        stdin = "".join(f"{PASSWORDS[user]}\n" * 2 for user in users)
        printed = []
        for piece in pieces(self.scratch.localise(block)):
            if piece == ("stop",):
                self.stop()
            elif piece == ("start",):
                self.start()
            else:
                assert isinstance(piece, str)
                done = subprocess.run(
                    ["bash", "-euo", "pipefail", "-c", prelude + piece],
                    cwd=self.root,
                    env={**self.env, **extra_env},
                    input=stdin,
                    capture_output=True,
                    text=True,
                    timeout=900,
                    start_new_session=True,  # no terminal: create-user reads its answers
                    check=False,
                )
                assert done.returncode == 0, f"{piece}\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
                printed.append(done.stdout + done.stderr)
        return "".join(printed)

    def start(self) -> None:
        """What systemd does for deploy/systemd/agent-workspace.service."""
        unit = Unit.read(DEPLOY / "systemd" / "agent-workspace.service", self.scratch.localise)
        command = [
            str(self.app_port) if arg == "3000" else arg for arg in unit.exec_start
        ]  # the unit's port, moved like nginx's upstream
        assert str(self.app_port) in command
        empty = self.root / "no-tools"  # serve needs neither bun nor node: PATH has nothing
        empty.mkdir(exist_ok=True)
        env = {"PATH": str(empty), "HOME": unit.working_directory, **unit.environment}
        log = self.serve_log.open("ab")
        self.serve = subprocess.Popen(
            command,
            cwd=unit.working_directory,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until(self._up, timeout=120, what="the service to answer /ping")

    def _up(self) -> bool:
        assert self.serve is not None
        assert self.serve.poll() is None, self.serve_log.read_text()[-4000:]
        try:
            return httpx.get(f"http://127.0.0.1:{self.app_port}/ping", timeout=2).is_success
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
        """SIGTERM to serve alone (the unit's KillMode=mixed), then whatever it left."""
        if self.serve is None or self.serve.poll() is not None:
            return
        self.serve.send_signal(signal.SIGTERM)
        try:
            self.serve.wait(timeout=45)
        finally:
            _end_group(self.serve.pid)

    def agent_workspace(
        self, *args: str, path: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        """The installed command, as `aw` runs it (the settings file, from the data folder)."""
        unit = Unit.read(DEPLOY / "systemd" / "agent-workspace.service", self.scratch.localise)
        return subprocess.run(
            [str(self.venv / "bin" / "agent-workspace"), *args],
            cwd=unit.working_directory,
            env={**self.env, **unit.environment, **({"PATH": path} if path else {})},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


def _end_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)


def _copy_checkout(target: Path) -> None:
    """The source as a fresh clone has it (tracked and new files, not what git ignores)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, (n.decode() for n in listed)):
        source = PROJECT_ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def _block_env(root: Path) -> dict[str, str]:
    """Root's shell on the machine: nothing of the tests' settings or Python path; `python3`
    is this Python 3.11; the postgres tools reach the test cluster as its superuser."""
    shims = root / "shims"
    shims.mkdir()
    (shims / "python3").symlink_to(getattr(sys, "_base_executable", sys.executable))
    kept = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AW_", "REFLEX_", "TWILIO_", "PG"))
        and k not in ("PYTHONPATH", "VIRTUAL_ENV", "SSL_CERT_FILE")
    }
    return {
        **kept,
        "PATH": f"{shims}{os.pathsep}{os.environ.get('PATH', '')}",
        "PGHOST": "127.0.0.1",
        "PGUSER": "postgres",
    }


def _snapshot(*folders: Path) -> dict[str, tuple[int, int]]:
    return {
        str(path): (path.stat().st_size, path.stat().st_mtime_ns)
        for folder in folders
        for path in folder.rglob("*")
        if path.is_file()
    }


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Install]:
    root = tmp_path_factory.mktemp("production")
    src = root / "opt" / "agent-workspace" / "src"
    _copy_checkout(src)
    redis_url = shared_redis_url(REDIS_DB)
    redis.Redis.from_url(redis_url).flushdb()
    tls = self_signed(root)
    https_port, http_port, app_port, sim_port = (free_port() for _ in range(4))
    # The pages are built for this URL and connect their websocket to it: a name Reflex reads as
    # "this machine" (localhost) would send it to port 443, so the test's is the address.
    public = f"https://127.0.0.1:{https_port}"
    account_sid, token = "AC" + secrets.token_hex(16), secrets.token_hex(16)
    simulator = subprocess.Popen(
        [
            *(sys.executable, "-m", "agent_workspace.sms.simulator", "--port", str(sim_port)),
            *("--account-sid", account_sid, "--auth-token", token, "--log-level", "warning"),
            *("--inbound-webhook-url", f"{public}/api/twilio/inbound"),
        ],
        env={**os.environ, "SSL_CERT_FILE": str(tls.cert)},  # "Twilio" trusts the proxy
        stdout=(root / "simulator.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    nginx: Nginx | None = None
    with databases.postgres_database(migrated=False) as database_url:
        install = Install(
            root=root,
            scratch=Scratch(root, database_url.rsplit("/", 1)[1]),
            blocks=marked_blocks(),
            env=_block_env(root),
            url=public,
            http_port=http_port,
            app_port=app_port,
            simulator_url=f"http://127.0.0.1:{sim_port}",
            twilio_sid=account_sid,
            twilio_token=token,
            tls_cert=tls.cert,
            serve_log=root / "serve.log",
        )
        try:
            install.run(install.block("python3 -m venv"))
            install.run(install.block("install -d"))
            settings = root / "etc" / "agent-workspace" / "agent-workspace.env"
            with settings.open("a") as extra:  # this machine's values, after the README's
                extra.write(
                    f"AW_DATABASE_URL={database_url}\nAW_REDIS_URL={redis_url}\n"
                    f"AW_PUBLIC_BASE_URL={public}\n"
                    "AW_ALLOW_INSECURE_PUBLIC_URL=true\n"  # its proxy is on loopback
                    f"AW_TWILIO_ACCOUNT_SID={account_sid}\nAW_TWILIO_AUTH_TOKEN={token}\n"
                    f"AW_TWILIO_API_BASE_URL={install.simulator_url}\n"
                )
            install.run(install.block("aw()"))
            install.run(install.block("PATH=/opt/agent-workspace/build-tools"))
            install.run(install.block("aw create-user ada"))
            install.run(install.block("aw create-channel"))
            watched = (src, install.site_packages / "agent_workspace", install.web_dir)
            before = _snapshot(*watched)
            install.start()
            install.at_start = (before, _snapshot(*watched))
            for folder in ("www", "nginx"):
                (root / folder).mkdir()
            site = site_for_test(
                SITE.read_text(),
                https_port=https_port,
                http_port=http_port,
                upstream_port=app_port,
                tls=tls,
                www=root / "www",
            )
            nginx = Nginx(root / "nginx", site)
            nginx.start(f"{public}/ping", verify=tls.cert)
            yield install
        finally:
            if nginx is not None:
                nginx.stop()
            install.stop()
            simulator.terminate()
            simulator.wait(timeout=20)
            redis.Redis.from_url(redis_url).flushdb()


def _context(browser: Browser, install: Install) -> BrowserContext:
    """A browser that trusts the test's certificate (Chromium: ignore its issuer)."""
    return browser.new_context(
        base_url=install.url, ignore_https_errors=True, viewport={"width": 1440, "height": 900}
    )


def _sign_in(page: Page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORDS[username])
    page.get_by_role("button", name="Sign in").click()


def test_the_install_has_no_development_tools_and_serve_neither_builds_nor_writes(
    production: Install,
) -> None:
    installed = subprocess.run(
        [str(production.venv / "bin" / "python"), "-m", "pip", "list", "--format=freeze"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.lower()
    assert "agent-workspace==" in installed
    assert [tool for tool in DEV_TOOLS if f"\n{tool}==" in f"\n{installed}"] == []
    before, after = production.at_start
    assert before == after  # not a file of the source, the package or the build changed
    served = production.serve_log.read_text()
    assert "Creating Production Build" not in served and "Compiling" not in served

    # Without bun the build says what to install, and leaves the built pages as they were.
    refused = production.agent_workspace("build", "--force", path="/usr/bin:/bin")
    assert refused.returncode == 1
    assert "build needs bun" in refused.stderr and "npm install" in refused.stderr
    assert _snapshot(production.web_dir) == {
        k: v for k, v in before.items() if k.startswith(str(production.web_dir))
    }


def test_webhooks_through_the_proxy_are_checked_against_the_https_public_url(
    production: Install,
) -> None:
    params = {
        "MessageSid": "SM" + secrets.token_hex(16),
        "AccountSid": production.twilio_sid,
        "From": "+14155550166",
        "To": SUPPORT,
        "Body": "signed for the public URL",
        "NumMedia": "0",
    }
    path = "/api/twilio/inbound"
    trusted = ssl.create_default_context(cafile=str(production.tls_cert))
    with httpx.Client(base_url=production.url, verify=trusted) as client:
        for signed_for, expected in (
            (f"http://127.0.0.1:{production.app_port}{path}", 403),  # the internal address
            (f"{production.url}{path}", 200),
        ):
            signature = compute_signature(production.twilio_token, signed_for, params)
            answer = client.post(path, data=params, headers={"X-Twilio-Signature": signature})
            assert answer.status_code == expected, (signed_for, answer.text)
        # The proxy's own limits: a webhook body over 64 KB never reaches the workspace.
        huge = client.post(path, data={**params, "Body": "x" * 70_000})
        assert huge.status_code == 413
    # http is sent to https.
    redirect = httpx.get(f"http://127.0.0.1:{production.http_port}/sign-in?x=1")
    assert redirect.status_code == 301
    assert redirect.headers["location"] == "https://127.0.0.1/sign-in?x=1"


def test_a_team_signs_in_over_https_texts_live_backs_up_restores_and_upgrades(
    production: Install, browser: Browser
) -> None:
    admin = _context(browser, production).new_page()
    _sign_in(admin, "ada")
    numbers = admin.get_by_role("table", name="Provider numbers")
    expect(numbers.get_by_role("row", name=re.compile("Support line"))).to_have_count(1)
    expect(numbers.get_by_role("row", name=re.compile("Billing line"))).to_have_count(1)
    expect(admin.get_by_role("region", name="First steps")).to_have_count(0)  # all done by CLI

    agent = _context(browser, production).new_page()
    _sign_in(agent, "nina")
    expect(agent.get_by_role("heading", name="My Interactions")).to_be_visible()
    agent.get_by_role("button", name="New").click()
    dialog = agent.get_by_role("dialog", name="New interaction")
    dialog.get_by_role("button", name="Add a person").click()
    dialog.get_by_label("First name").fill("Rosa")
    dialog.get_by_label("Last name").fill("Diaz")
    dialog.get_by_label(re.compile("^Mobile")).fill("(415) 555-0177")
    dialog.get_by_role("button", name="Save person").click()
    expect(dialog.get_by_label("Consumer or contact")).to_have_value(re.compile("^consumer:"))
    dialog.get_by_label("Short description").fill("Welcome")
    dialog.get_by_role("button", name="Create").click()

    agent.get_by_role("button", name="Compose SMS").click()
    composer = agent.get_by_role("region", name="Compose SMS")
    expect(composer.get_by_label("To", exact=True)).to_have_value(ROSA)
    composer.get_by_label("Message", exact=True).fill("Welcome aboard, Rosa! Here is your card.")
    agent.locator("#compose_files input[type=file]").set_input_files(  # through the proxy
        files=[FilePayload(name="card.png", mimeType="image/png", buffer=PNG)]
    )
    expect(agent.get_by_label("Attached files")).to_contain_text("card.png")
    composer.get_by_role("button", name="Send", exact=True).click()
    outbound = messages(agent).get_by_test_id("outbound-message").last
    send_now_if_quiet(composer, outbound)  # at night in San Francisco, on the real clock
    expect(outbound.get_by_role("img", name="card.png")).to_be_visible(timeout=15_000)
    # The provider's status callbacks came in through the proxy, signed for the public URL.
    expect(outbound.get_by_label("Delivery status")).to_have_text("Delivered", timeout=20_000)

    # Rosa answers: the provider posts it to the public URL, and it shows without a reload.
    httpx.post(
        f"{production.simulator_url}/_sim/inbound",
        json={"from": ROSA, "to": SUPPORT, "body": "Thanks, got the card!"},
        timeout=10,
    ).raise_for_status()
    inbound = messages(agent).get_by_test_id("inbound-message").filter(has_text="got the card")
    expect(inbound).to_be_visible(timeout=15_000)

    # Back up as the README says; what happens after the backup is not in it.
    production.run(production.block("BACKUP=/var/backups"))
    after_backup = production.agent_workspace("add-number", "+14155550144", "--label", "Later")
    assert after_backup.returncode == 0, after_backup.stderr
    files = production.root / "var" / "lib" / "agent-workspace" / "files"
    stored = sorted(p.name for p in files.rglob("*") if p.is_file())
    assert stored  # the attachment's bytes
    production.run(production.block("BACKUP=$(ls"))
    assert sorted(p.name for p in files.rglob("*") if p.is_file()) == stored
    admin.reload()
    expect(numbers.get_by_role("row", name=re.compile("Support line"))).to_have_count(1)
    expect(numbers.get_by_role("row", name=re.compile("Later"))).to_have_count(0)
    agent.reload()  # still signed in (the session is in the database), the picture is back
    outbound = messages(agent).get_by_test_id("outbound-message").last
    picture = outbound.get_by_role("img", name="card.png")
    expect(picture).to_be_visible(timeout=15_000)
    wait_until(lambda: picture.evaluate("img => img.complete && img.naturalWidth > 0"))
    expect(messages(agent).get_by_test_id("inbound-message").last).to_contain_text("got the card")

    # Upgrade as the README says: the same version again installs, builds and migrates.
    printed = production.run(production.block("/opt/agent-workspace/venv/bin/pip install"))
    assert "is up to date" in printed
    agent.reload()
    expect(messages(agent).get_by_test_id("inbound-message").last).to_contain_text("got the card")
    assert production.scratch.unused_rules() == []
