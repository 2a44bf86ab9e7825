"""The simulator's Messages list and create faults, as Twilio documents them.

Twilio's list is sorted on DateSent, most recent first; DateSent is unset until a message leaves
the sender's queue, and the DateSent filters (`DateSent`, `DateSent<`, `DateSent>`, a GMT date
`YYYY-MM-DD` or a date-time) only ever match messages that have one.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from agent_workspace.sms.simulator import SimulatorServer
from tests.integration.sms.conftest import ACCOUNT_SID, AUTH_TOKEN, PHONE, PROVIDER, sim_messages

API = f"/2010-04-01/Accounts/{ACCOUNT_SID}"
QUEUED_FOR_A_WHILE = [30.0, 0.02, 0.02]  # seconds before sending, sent, delivered
FAST = [0.02, 0.02, 0.02]


@pytest.fixture
def api(simulator: SimulatorServer) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=simulator.url + API, auth=(ACCOUNT_SID, AUTH_TOKEN), timeout=10
    ) as client:
        yield client


def _delays(simulator: SimulatorServer, delays: list[float]) -> None:
    httpx.post(f"{simulator.url}/_sim/settings", json={"status_delays": delays}).raise_for_status()


def _create(api: httpx.Client, body: str, to: str = PHONE) -> dict[str, Any]:
    response = api.post("/Messages.json", data={"To": to, "From": PROVIDER, "Body": body})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def _wait_status(simulator: SimulatorServer, sid: str, status: str) -> None:
    for _ in range(500):
        if any(m["sid"] == sid and m["status"] == status for m in sim_messages(simulator)):
            return
        httpx.get(simulator.url + "/_sim/messages")  # a short pause that does real work
    raise AssertionError(f"{sid} never became {status}")


def _bodies(page: dict[str, Any]) -> list[str]:
    return [m["body"] for m in page["messages"]]


def _everything(simulator: SimulatorServer, api: httpx.Client, **query: Any) -> list[str]:
    page = api.get("/Messages.json", params=query).json()
    bodies = _bodies(page)
    while page["next_page_uri"]:
        page = httpx.get(simulator.url + page["next_page_uri"], auth=(ACCOUNT_SID, AUTH_TOKEN))
        page = page.json()
        bodies += _bodies(page)
    return bodies


def test_a_queued_message_has_no_date_sent_and_date_sent_filters_never_match_it(
    simulator: SimulatorServer, api: httpx.Client
) -> None:
    _delays(simulator, QUEUED_FOR_A_WHILE)
    created = _create(api, "still in the queue")
    assert created["status"] == "queued" and created["date_sent"] is None
    assert api.get(f"/Messages/{created['sid']}.json").json()["date_sent"] is None

    listed = api.get("/Messages.json", params={"To": PHONE}).json()["messages"]
    assert [(m["sid"], m["date_sent"]) for m in listed] == [(created["sid"], None)]
    today = datetime.now(UTC).date().isoformat()
    an_hour_ago = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    for name, value in [("DateSent>", today), ("DateSent>", an_hour_ago), ("DateSent", today)]:
        page = api.get("/Messages.json", params={"To": PHONE, name: value}).json()
        assert page["messages"] == [], f"{name}={value} matched a message that was never sent"


def test_date_sent_filters_take_a_gmt_date_or_a_date_time(
    simulator: SimulatorServer, api: httpx.Client
) -> None:
    sent = _create(api, "gone out")
    _wait_status(simulator, sent["sid"], "delivered")
    now = datetime.now(UTC)
    today, tomorrow = now.date(), now.date() + timedelta(days=1)
    yesterday = now.date() - timedelta(days=1)

    def found(**query: str) -> list[str]:
        return _bodies(api.get("/Messages.json", params={"To": PHONE, **query}).json())

    # A date means the whole GMT day: "on" it, "on and after" its midnight, "on and before" it.
    assert found(DateSent=today.isoformat()) == ["gone out"]
    assert found(DateSent=yesterday.isoformat()) == []
    assert found(**{"DateSent>": today.isoformat()}) == ["gone out"]
    assert found(**{"DateSent>": tomorrow.isoformat()}) == []
    assert found(**{"DateSent<": today.isoformat()}) == ["gone out"]
    assert found(**{"DateSent<": yesterday.isoformat()}) == []
    # A date-time (what the SDK sends for a datetime) is an instant, inclusive.
    later = (now + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    earlier = (now - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert found(**{"DateSent>": later}) == []
    assert found(**{"DateSent>": earlier}) == ["gone out"]
    assert found(**{"DateSent<": earlier}) == []
    assert found(**{"DateSent<": later}) == ["gone out"]

    refused = api.get("/Messages.json", params={"DateSent>": "last tuesday"})
    assert refused.status_code == 400
    assert refused.json()["code"] == 20001


def test_the_list_is_newest_first_with_messages_not_yet_sent_on_top(
    simulator: SimulatorServer, api: httpx.Client
) -> None:
    """Sorted on DateSent: a message still queued lists above one created after it but sent."""
    first = _create(api, "sent first")
    _wait_status(simulator, first["sid"], "delivered")
    _delays(simulator, QUEUED_FOR_A_WHILE)
    _create(api, "still queued")
    _delays(simulator, FAST)
    second = _create(api, "created last, sent")
    _wait_status(simulator, second["sid"], "delivered")
    assert _everything(simulator, api, To=PHONE, PageSize=1) == [
        "still queued",
        "created last, sent",
        "sent first",
    ]


def test_paging_follows_the_page_token_so_new_messages_shift_nothing(
    simulator: SimulatorServer, api: httpx.Client
) -> None:
    _delays(simulator, QUEUED_FOR_A_WHILE)
    for i in range(4):
        _create(api, f"m{i}")
    page = api.get("/Messages.json", params={"To": PHONE, "PageSize": 2}).json()
    assert _bodies(page) == ["m3", "m2"]
    assert "PageToken=" in page["next_page_uri"]
    _create(api, "m4")  # arrives while the client pages: Twilio's token keeps the place
    rest = httpx.get(simulator.url + page["next_page_uri"], auth=(ACCOUNT_SID, AUTH_TOKEN))
    assert _bodies(rest.json()) == ["m1", "m0"]
    assert rest.json()["next_page_uri"] is None


def test_an_inbound_message_has_the_date_it_was_posted_to_the_webhook(
    simulator: SimulatorServer, api: httpx.Client
) -> None:
    httpx.post(
        f"{simulator.url}/_sim/inbound", json={"from": PHONE, "to": PROVIDER, "body": "hi"}
    ).raise_for_status()
    (listed,) = api.get("/Messages.json", params={"From": PHONE}).json()["messages"]
    assert listed["direction"] == "inbound" and listed["date_sent"] is not None


def test_a_500_fault_can_keep_the_message_it_failed_to_confirm(
    simulator: SimulatorServer, api: httpx.Client
) -> None:
    httpx.post(
        f"{simulator.url}/_sim/faults", json={"kind": "http_500", "stored": True}
    ).raise_for_status()
    answer = api.post("/Messages.json", data={"To": PHONE, "From": PROVIDER, "Body": "kept"})
    assert answer.status_code == 500 and answer.json()["code"] == 20500
    (stored,) = sim_messages(simulator)
    assert (stored["body"], stored["fault"]) == ("kept", "http_500")
    _wait_status(simulator, str(stored["sid"]), "delivered")  # and it goes out as usual


def test_a_slow_create_can_store_the_message_only_when_it_answers(
    simulator: SimulatorServer,
) -> None:
    httpx.post(
        f"{simulator.url}/_sim/faults", json={"kind": "hang", "delay": 1.0, "stored_at": "end"}
    ).raise_for_status()
    asked_at = datetime.now(UTC)
    with pytest.raises(httpx.ReadTimeout):  # the client gives up; the provider carries on
        httpx.post(
            f"{simulator.url}{API}/Messages.json",
            data={"To": PHONE, "From": PROVIDER, "Body": "late"},
            auth=(ACCOUNT_SID, AUTH_TOKEN),
            timeout=0.2,
        )
    for _ in range(500):
        if stored := sim_messages(simulator):
            break
        httpx.get(simulator.url + "/_sim/messages")
    (message,) = stored
    assert message["fault"] == "hang"
    created = datetime.fromisoformat(str(message["date_created"]))
    assert created - asked_at >= timedelta(seconds=1.0), "stored at the end of the delay"


def test_fault_options_are_checked(simulator: SimulatorServer) -> None:
    bad = httpx.post(f"{simulator.url}/_sim/faults", json={"kind": "hang", "stored_at": "sometime"})
    assert bad.status_code == 400
    assert "stored_at" in bad.json()["error"]
