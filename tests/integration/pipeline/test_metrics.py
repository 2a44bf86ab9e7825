"""GET /metrics over HTTP, as Prometheus scrapes it: only with its bearer token; webhooks by
outcome and reason, sends by status and error code, the outbox's depth and oldest message, the
inbound router's backlog and lag."""

from __future__ import annotations

import secrets
from datetime import timedelta

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update
from sqlmodel import select

from agent_workspace import config
from agent_workspace.db.engine import transaction
from agent_workspace.models import AcceptedWebhook, Message, utcnow
from tests.integration.pipeline.conftest import CONSUMER_PHONE, Pipeline
from tests.support.factories import SUPPORT_NUMBER, make_consumer

TOKEN = secrets.token_urlsafe(32)
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


@pytest.fixture
def scraped(pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch) -> Pipeline:
    monkeypatch.setenv("AW_METRICS_TOKEN", TOKEN)
    config.get_settings.cache_clear()
    return pipeline


def _scrape(pipeline: Pipeline, token: str = TOKEN) -> httpx.Response:
    return httpx.get(
        f"{pipeline.api.url}/metrics", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )


def _samples(pipeline: Pipeline) -> Samples:
    response = _scrape(pipeline)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def _value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_are_off_without_a_token_and_refused_with_a_wrong_one(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    off = httpx.get(f"{pipeline.api.url}/metrics", timeout=10)
    assert (off.status_code, off.text) == (404, "Metrics are off: set AW_METRICS_TOKEN.")
    monkeypatch.setenv("AW_METRICS_TOKEN", TOKEN)
    config.get_settings.cache_clear()
    assert httpx.get(f"{pipeline.api.url}/metrics", timeout=10).status_code == 401
    assert _scrape(pipeline, token=TOKEN[:-1] + "x").status_code == 401
    assert _scrape(pipeline).status_code == 200


def test_webhooks_are_counted_by_outcome_and_reason(scraped: Pipeline) -> None:
    before = _samples(scraped)
    form = {
        "From": CONSUMER_PHONE,
        "To": SUPPORT_NUMBER,
        "Body": "x",
        "MessageSid": "SM" + "2" * 32,
    }
    assert scraped.post_webhook("/api/twilio/inbound", form).status_code == 200
    assert scraped.post_webhook("/api/twilio/inbound", form).status_code == 200  # a retry
    assert scraped.post_webhook("/api/twilio/inbound", form, signature="forged").status_code == 403
    unknown = {**form, "To": "+14155559999"}
    assert scraped.post_webhook("/api/twilio/inbound", unknown).status_code == 404
    assert scraped.post_webhook("/api/twilio/inbound", {"From": "x"}).status_code == 400
    after = _samples(scraped)

    def grew(**labels: str) -> float:
        name = "aw_webhooks_total"
        return _value(after, name, **labels) - _value(before, name, **labels)

    assert grew(kind="inbound", outcome="accepted", reason="new") == 1
    assert grew(kind="inbound", outcome="accepted", reason="duplicate") == 1
    assert grew(kind="inbound", outcome="refused", reason="signature") == 1
    assert grew(kind="inbound", outcome="refused", reason="unknown_number") == 1
    assert grew(kind="inbound", outcome="refused", reason="malformed") == 1


def test_sends_and_delivery_statuses_by_status_and_error_code(scraped: Pipeline) -> None:
    make_consumer("Una", "+12015550133")  # the simulator's "undelivered 30003"
    make_consumer("Ivy", "+12015550101")  # the simulator's "21211 invalid To" at create
    before = _samples(scraped)
    off = scraped.send("+12015550133", "to a phone that is off")
    invalid = scraped.send("+12015550101", "to no number")
    scraped.drain(off.message_id, "undelivered")
    scraped.drain(invalid.message_id, "failed")
    after = _samples(scraped)

    def grew(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    assert grew("aw_sends_total", status="accepted", error_code="") == 1
    assert grew("aw_sends_total", status="failed", error_code="21211") == 1
    assert grew("aw_delivery_statuses_total", status="undelivered", error_code="30003") == 1
    assert grew("aw_delivery_statuses_total", status="sent", error_code="") == 1


def test_the_outbox_and_the_router_say_how_far_behind_they_are(scraped: Pipeline) -> None:
    empty = _samples(scraped)
    assert _value(empty, "aw_outbox_depth") == 0
    assert _value(empty, "aw_outbox_oldest_age_seconds") == 0
    assert _value(empty, "aw_inbound_routing_lag_seconds") == 0

    scraped.simulator.stop()  # nothing leaves
    first = scraped.send(CONSUMER_PHONE, "one")
    scraped.send(CONSUMER_PHONE, "two")
    _age(Message, first.message_id, "created_at", minutes=5)
    scraped.simulator.start()
    scraped.sim_post("settings", {"inbound_webhook_url": f"{scraped.api.url}/api/twilio/inbound"})
    scraped.sim_post("inbound", {"from": CONSUMER_PHONE, "to": SUPPORT_NUMBER, "body": "hi"})
    with transaction() as session:  # accepted, not routed yet (no router runs here)
        (webhook,) = session.exec(select(AcceptedWebhook)).all()
        webhook_id = webhook.id
    _age(AcceptedWebhook, webhook_id, "accepted_at", minutes=2)

    behind = _samples(scraped)
    assert _value(behind, "aw_outbox_depth") == 2
    assert 299 < _value(behind, "aw_outbox_oldest_age_seconds") < 400
    assert _value(behind, "aw_inbound_pending") == 1
    assert 119 < _value(behind, "aw_inbound_routing_lag_seconds") < 200

    scraped.route()
    assert _value(_samples(scraped), "aw_inbound_routing_lag_seconds") == 0


def _age(model: type, row_id: int | None, column: str, *, minutes: int) -> None:
    with transaction() as session:
        session.execute(
            update(model)
            .where(model.id == row_id)  # type: ignore[attr-defined]
            .values({column: utcnow() - timedelta(minutes=minutes)})
        )
