"""The simulator's Messages create through a Messaging Service, as Twilio documents it.

Twilio's Message resource (and its OpenAPI description): with `MessagingServiceSid` and no
`From`, Twilio selects the sender from the service's Sender Pool; the create's answer is
`accepted` with no sender yet (`from` null, `num_segments` 0); no callback is sent for that
first status, and the later callbacks carry the `From` it chose. Sticky Sender keeps one sender
per recipient. An unknown service is refused with 21701, a malformed sid with 21705, a service
whose Sender Pool is empty with 21704: each a 400 with Twilio's error body (Twilio's error
pages give no status and its OpenAPI description has no error schemas; its REST API answers
every request-validation error 400 with {code, message, more_info, status}).
"""

from __future__ import annotations

import httpx
import pytest

from agent_workspace.sms.simulator import SimulatorServer
from tests.integration.sms.conftest import ACCOUNT_SID, AUTH_TOKEN, PHONE, WebhookReceiver

API = f"/2010-04-01/Accounts/{ACCOUNT_SID}"
SERVICE = "MG" + "4154e1578d6f7d406e99309eed40717d"
POOL = ("+12015550100", "+12015550110", "+12015550120")


def _api(simulator: SimulatorServer) -> httpx.Client:
    return httpx.Client(base_url=simulator.url + API, auth=(ACCOUNT_SID, AUTH_TOKEN), timeout=5)


@pytest.fixture
def service(simulator: SimulatorServer) -> str:
    httpx.post(
        f"{simulator.url}/_sim/settings",
        json={"messaging_services": [SERVICE], "provider_numbers": list(POOL)},
        timeout=5,
    ).raise_for_status()
    return SERVICE


def _send(api: httpx.Client, receiver: WebhookReceiver, to: str = PHONE) -> httpx.Response:
    return api.post(
        "/Messages.json",
        data={
            "To": to,
            "MessagingServiceSid": SERVICE,
            "Body": "Your parcel left the depot",
            "StatusCallback": f"{receiver.url}/status",
        },
    )


def test_a_service_create_is_accepted_with_no_sender_yet(
    simulator: SimulatorServer, receiver: WebhookReceiver, service: str
) -> None:
    with _api(simulator) as api:
        created = _send(api, receiver)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["status"] == "accepted"
    assert body["from"] is None
    assert body["num_segments"] == "0"
    assert body["messaging_service_sid"] == service


def test_callbacks_name_the_sender_the_service_chose_from_its_pool(
    simulator: SimulatorServer, receiver: WebhookReceiver, service: str
) -> None:
    with _api(simulator) as api:
        sid = _send(api, receiver).json()["sid"]
        posts = receiver.wait_for(
            "/status", lambda p: any(r.params()["MessageStatus"] == "delivered" for r in p)
        )
        fetched = api.get(f"/Messages/{sid}.json").json()
    statuses = [r.params()["MessageStatus"] for r in posts]
    assert statuses == ["queued", "sending", "sent", "delivered"]  # none for "accepted"
    senders = {r.params()["From"] for r in posts}
    assert len(senders) == 1 and senders <= set(POOL)
    assert {r.params()["MessagingServiceSid"] for r in posts} == {service}
    assert fetched["from"] in senders


def test_the_same_recipient_gets_the_same_sender(
    simulator: SimulatorServer, receiver: WebhookReceiver, service: str
) -> None:
    with _api(simulator) as api:
        sids = [_send(api, receiver).json()["sid"] for _ in range(4)]
        receiver.wait_for(
            "/status",
            lambda p: sum(r.params()["MessageStatus"] == "delivered" for r in p) == len(sids),
        )
        senders = {api.get(f"/Messages/{sid}.json").json()["from"] for sid in sids}
    assert len(senders) == 1


@pytest.mark.parametrize(
    ("sid", "code"),
    [("MG" + "0" * 32, 21701), ("MG123", 21705), ("PN" + "0" * 32, 21705)],
)
def test_a_service_the_account_does_not_have_is_refused_as_twilio_documents(
    simulator: SimulatorServer, service: str, sid: str, code: int
) -> None:
    with _api(simulator) as api:
        refused = api.post(
            "/Messages.json", data={"To": PHONE, "MessagingServiceSid": sid, "Body": "x"}
        )
    assert refused.status_code == 400
    body = refused.json()
    assert body["code"] == code
    assert body["more_info"] == f"https://www.twilio.com/docs/errors/{code}"
    assert set(body) == {"code", "message", "more_info", "status"}
    assert body["status"] == 400


def test_a_service_with_an_empty_sender_pool_is_refused_with_21704(
    simulator: SimulatorServer,
) -> None:
    httpx.post(
        f"{simulator.url}/_sim/settings",
        json={"messaging_services": [SERVICE], "provider_numbers": []},
        timeout=5,
    ).raise_for_status()
    with _api(simulator) as api:
        refused = api.post(
            "/Messages.json", data={"To": PHONE, "MessagingServiceSid": SERVICE, "Body": "x"}
        )
    assert (refused.status_code, refused.json()) == (
        400,
        {
            "code": 21704,
            "message": "The Messaging Service contains no phone numbers",
            "more_info": "https://www.twilio.com/docs/errors/21704",
            "status": 400,
        },
    )
