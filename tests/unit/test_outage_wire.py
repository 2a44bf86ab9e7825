"""What the outage watch (web/outage.py) needs from Reflex 0.10.1, and what agents read.

The watch reaches a worker's tabs without Reflex's state store (it may be what is away): it
reads the token manager's socket records and sends a delta of OutageState. If a Reflex release
renames any of these, this fails before a banner silently stops showing."""

from __future__ import annotations

import dataclasses

from reflex.utils.token_manager import LocalTokenManager, SocketRecord

from agent_workspace.ops.health import Problem, agent_notice
from agent_workspace.state.outage import OutageState
from agent_workspace.web.outage import outage_delta


def test_socket_records_say_which_worker_holds_each_tab() -> None:
    fields = {f.name for f in dataclasses.fields(SocketRecord)}
    assert {"instance_id", "sid"} <= fields
    manager = LocalTokenManager()  # type: ignore[no-untyped-call]
    assert isinstance(manager.token_to_socket, dict)
    assert isinstance(manager.instance_id, str)


def test_the_delta_names_the_state_and_var_as_the_page_reads_them() -> None:
    (name,) = outage_delta("x")
    assert name == OutageState.get_full_name()
    assert outage_delta("why") == {name: {"outage_rx_state_": "why"}}


def _problem(kind: str) -> Problem:
    return Problem(kind, "AW_X", "detail", "reason")


def test_agents_read_what_was_lost_and_that_their_text_is_kept() -> None:
    assert agent_notice([]) == ""
    notice = agent_notice([_problem("database_unreachable"), _problem("redis_unreachable")])
    assert notice.startswith(
        "Reconnecting: the workspace has lost its database and its connection store (Redis)."
    )
    upgrading = agent_notice([_problem("database_unmigrated")])
    assert upgrading.startswith("Reconnecting: the workspace is being upgraded.")
    assert "what you type is kept in this browser" in notice
