"""`cli serve` stops with everything it started when a supervisor (systemd, a container runtime)
sends SIGTERM to it alone, not to its process group as a terminal's Ctrl-C does; it listens
where `--host` says (issue 24 item 4)."""

from __future__ import annotations

import os
import signal
import socket
from pathlib import Path

from tests.support.servers import WorkspaceServer
from tests.support.waiting import wait_until


def _group(pgid: int) -> list[int]:
    """The processes still in process group `pgid` (zombies are gone already)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z" and int(fields[2]) == pgid:
            found.append(int(entry))
    return found


def _listening(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        return sock.connect_ex((host, port)) == 0


def test_sigterm_to_serve_stops_the_web_workers_and_the_simulator(tmp_path: Path) -> None:
    server = WorkspaceServer(tmp_path, host="127.0.0.2")  # `serve --host 127.0.0.2`
    server.start()
    assert server.process is not None
    assert _listening(server.port, "127.0.0.2")
    assert not _listening(server.port, "127.0.0.1")  # only where --host said
    leader = server.process.pid
    assert len(_group(leader)) >= 3  # serve, the simulator, the web server and its workers
    try:
        os.kill(leader, signal.SIGTERM)
        server.process.wait(timeout=30)
        wait_until(lambda: not _group(leader), timeout=30, what="every process of serve to end")
        assert not _listening(server.port, "127.0.0.2")
        assert not _listening(server.simulator_port)
    finally:
        for pid in _group(leader):  # whatever it left behind, ended by this test
            os.kill(pid, signal.SIGKILL)
