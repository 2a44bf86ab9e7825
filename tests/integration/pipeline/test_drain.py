"""Several dispatcher processes drain a full outbox: every message reaches the provider once."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlmodel import col

from agent_workspace.models import Direction, Message
from tests.integration.pipeline.conftest import Pipeline, count
from tests.support.outbox_load import DispatcherProcesses, make_recipients, queue_messages
from tests.support.waiting import wait_until

HOW_MANY = 500


def test_two_dispatcher_processes_send_500_queued_messages_each_exactly_once(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    pipeline.sim_post("settings", {"hold_queued": True})  # no callbacks: only the creates count
    make_recipients()
    queued = queue_messages(pipeline.agent, HOW_MANY, tag="drain")

    def accepted() -> bool:
        return count(
            Message,
            col(Message.direction) == Direction.OUTBOUND,
            col(Message.provider_sid).is_not(None),
        ) >= len(queued)

    with DispatcherProcesses(2, tmp_path) as workers:
        wait_until(
            lambda: accepted() or not workers.alive(),
            timeout=300,
            what=f"{HOW_MANY} messages to be accepted",
        )
        assert workers.alive(), workers.logs()

    creates = Counter(m["body"] for m in pipeline.sim_messages(direction="outbound-api"))
    assert {body: creates[body] for body in queued.values()} == dict.fromkeys(queued.values(), 1)
    assert sum(creates.values()) == HOW_MANY
    sids = {m["body"]: m["sid"] for m in pipeline.sim_messages(direction="outbound-api")}
    for message_id, body in queued.items():
        assert pipeline.message(message_id).provider_sid == sids[body]
