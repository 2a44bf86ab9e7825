"""Debian's nginx running deploy/nginx/agent-workspace.conf, as the test's own process on free
loopback ports, with a self-signed certificate made for the test in its temporary folder."""

from __future__ import annotations

import os
import shutil
import signal
import ssl
import subprocess
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.support.production import DEPLOY
from tests.support.waiting import wait_until

SITE = DEPLOY / "nginx" / "agent-workspace.conf"
NGINX_HELP = "nginx is missing: run ./scripts/test (ensure_production_tools installs it)."


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path


def self_signed(folder: Path, name: str = "localhost") -> Certificate:
    """A certificate for `name` and 127.0.0.1 that is its own authority (trusted by pointing
    SSL_CERT_FILE or httpx's `verify` at it)."""
    cert, key = folder / "proxy.crt", folder / "proxy.key"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-keyout", str(key), "-out", str(cert), "-subj", f"/CN={name}"),
            *("-addext", f"subjectAltName=DNS:{name},IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    return Certificate(cert, key)


def site_for_test(
    site: str, *, https_port: int, http_port: int, upstream_port: int, tls: Certificate, www: Path
) -> str:
    """The site file with this machine's values where an operator writes theirs; each of
    these places must be in the file."""
    rewrites = [
        ("/etc/letsencrypt/live/desk.example.com/fullchain.pem", str(tls.cert)),
        ("/etc/letsencrypt/live/desk.example.com/privkey.pem", str(tls.key)),
        ("server_name desk.example.com;", "server_name 127.0.0.1;"),
        ("listen 443 ssl http2", f"listen 127.0.0.1:{https_port} ssl http2"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("server 127.0.0.1:3000;", f"server 127.0.0.1:{upstream_port};"),
        ("root /var/www/html;", f"root {www};"),
    ]
    for old, new in rewrites:
        assert old in site, f"{SITE.name} no longer has {old!r}"
        site = site.replace(old, new)
    lines = site.splitlines()
    kept = [line for line in lines if "listen [::]" not in line]  # no IPv6 on the test's ports
    assert len(kept) < len(lines)
    return "\n".join(kept) + "\n"


class Nginx:
    """`nginx -c <file>` in the foreground, with its pid, logs and temp files in `folder`."""

    def __init__(self, folder: Path, site: str) -> None:
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(binary).exists():
            pytest.fail(NGINX_HELP, pytrace=False)
        self.binary = binary
        (folder / "site.conf").write_text(site)
        user = "user root;\n" if os.getuid() == 0 else ""  # workers read the test's folders
        temp = "".join(
            f"    {kind}_temp_path {folder / kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        self.conf = folder / "nginx.conf"
        self.conf.write_text(
            f"{user}worker_processes 1;\npid {folder / 'nginx.pid'};\n"
            f"error_log {folder / 'error.log'} warn;\ndaemon off;\n"
            "events { worker_connections 1024; }\n"
            f"http {{\n    access_log {folder / 'access.log'};\n{temp}"
            f"    include {folder / 'site.conf'};\n}}\n"
        )

    def start(self, ready_url: str, verify: Path, timeout: float = 30) -> None:
        checked = subprocess.run(
            [self.binary, "-t", "-c", str(self.conf)], capture_output=True, text=True, check=False
        )
        assert checked.returncode == 0, checked.stderr
        log = (self.folder / "nginx.out").open("wb")
        self.process = subprocess.Popen(
            [self.binary, "-c", str(self.conf)], stdout=log, stderr=subprocess.STDOUT
        )
        trusted = ssl.create_default_context(cafile=str(verify))

        def answers() -> bool:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.log()}")
            try:
                return httpx.get(ready_url, verify=trusted, timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(answers, timeout=timeout, what=f"nginx answering {ready_url} ({log.name})")

    def log(self) -> str:
        return "\n".join(
            path.read_text()[-3000:]
            for path in (self.folder / "nginx.out", self.folder / "error.log")
            if path.exists()
        )

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGQUIT)  # graceful: workers finish, then exit
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
