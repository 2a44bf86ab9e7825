"""TwilioGateway against the simulator over real HTTP on loopback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from agent_workspace.sms import (
    OptedOutError,
    OutboundSms,
    PermanentSmsError,
    RetryableSmsError,
    SmsError,
    TwilioGateway,
    UncertainSmsError,
    validate_signature,
)
from agent_workspace.sms.simulator import SimulatorServer
from tests.integration.sms.conftest import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    PHONE,
    PROVIDER,
    Received,
    WebhookReceiver,
    sim_messages,
)


def _final(posts: list[Received]) -> bool:
    return any(p.params()["MessageStatus"] in ("delivered", "undelivered", "failed") for p in posts)


def test_send_passes_exactly_the_message_and_callbacks_arrive_signed_in_order(
    gateway: TwilioGateway, simulator: SimulatorServer, receiver: WebhookReceiver
) -> None:
    callback = f"{receiver.url}/status?interaction=IMS0001001"
    media = (f"{receiver.url}/media/ok.png", f"{receiver.url}/media/ok.png?second=1")
    sent = gateway.send(
        OutboundSms(
            to=PHONE, from_=PROVIDER, body="Hello there", media_urls=media, status_callback=callback
        )
    )

    assert sent.sid.startswith("SM")
    assert len(sent.sid) == 34
    assert (sent.status, sent.to, sent.from_, sent.body) == (
        "queued",
        PHONE,
        PROVIDER,
        "Hello there",
    )
    assert sent.date_created is not None
    assert sent.date_created.tzinfo is not None
    [stored] = sim_messages(simulator)
    assert stored["request_params"] == {
        "To": [PHONE],
        "From": [PROVIDER],
        "Body": ["Hello there"],
        "MediaUrl": list(media),
        "StatusCallback": [callback],
    }
    posts = receiver.wait_for("/status", _final)
    assert [p.params()["MessageStatus"] for p in posts] == ["sending", "sent", "delivered"]
    for post in posts:
        params = post.params()
        assert params["MessageSid"] == params["SmsSid"] == sent.sid
        assert (params["AccountSid"], params["From"], params["To"]) == (
            ACCOUNT_SID,
            PROVIDER,
            PHONE,
        )
        assert params["ApiVersion"] == "2010-04-01"
        assert "ErrorCode" not in params
        assert validate_signature(
            AUTH_TOKEN, callback, post.form, post.headers["x-twilio-signature"]
        )
        assert not validate_signature(
            "other-token", callback, post.form, post.headers["x-twilio-signature"]
        )


def test_status_callbacks_of_a_message_come_on_one_kept_alive_connection(
    gateway: TwilioGateway, receiver: WebhookReceiver
) -> None:
    # A connection per callback meant a new client per POST: building its SSL context stalled
    # the simulator's loop for 20-30 ms three times per message, and create requests behind it.
    gateway.send(
        OutboundSms(to=PHONE, from_=PROVIDER, body="one", status_callback=f"{receiver.url}/status")
    )
    posts = receiver.wait_for("/status", _final)
    assert len(posts) == 3
    assert len({p.client_port for p in posts}) == 1


SYNC_CASES = [
    ("+12015550101", PROVIDER, "hi", (), PermanentSmsError, 21211),
    ("+12015550102", PROVIDER, "hi", (), PermanentSmsError, 21408),
    ("+12015550103", PROVIDER, "hi", (), OptedOutError, 21610),
    ("+12015550104", PROVIDER, "hi", (), PermanentSmsError, 21612),
    ("+12015550105", PROVIDER, "hi", (), PermanentSmsError, 21614),
    ("+12015550106", PROVIDER, "hi", (), RetryableSmsError, 21611),
    ("+12015550107", PROVIDER, "hi", (), RetryableSmsError, 20429),
    (PHONE, PROVIDER, "x" * 1601, (), PermanentSmsError, 21617),
    (PHONE, PROVIDER, "", (), PermanentSmsError, 21602),
    (PHONE, PROVIDER, "hi", ("ftp://example.com/a.png",), PermanentSmsError, 21620),
    (PHONE, "+12015550199", "hi", (), PermanentSmsError, 21606),
    ("12015550150", PROVIDER, "hi", (), PermanentSmsError, 21211),
]


@pytest.mark.parametrize(("to", "from_", "body", "media", "error_class", "code"), SYNC_CASES)
def test_magic_numbers_raise_the_right_error(
    gateway: TwilioGateway,
    to: str,
    from_: str,
    body: str,
    media: tuple[str, ...],
    error_class: type[SmsError],
    code: int,
) -> None:
    with pytest.raises(error_class) as caught:
        gateway.send(OutboundSms(to=to, from_=from_, body=body, media_urls=media))
    assert type(caught.value) is error_class
    assert caught.value.code == code
    assert caught.value.message
    assert "Provider error" not in caught.value.message


@pytest.mark.parametrize(
    ("to", "status", "code"),
    [
        ("+12015550133", "undelivered", 30003),
        ("+12015550134", "undelivered", 30004),
        ("+12015550135", "undelivered", 30005),
        ("+12015550136", "undelivered", 30006),
        ("+12015550137", "undelivered", 30007),
        ("+12015550138", "failed", 30008),
    ],
)
def test_magic_numbers_fail_asynchronously_on_the_status_callback(
    gateway: TwilioGateway, receiver: WebhookReceiver, to: str, status: str, code: int
) -> None:
    gateway.send(
        OutboundSms(to=to, from_=PROVIDER, body="hi", status_callback=f"{receiver.url}/status")
    )
    posts = receiver.wait_for("/status", _final)
    assert posts[-1].params()["MessageStatus"] == status
    assert posts[-1].params()["ErrorCode"] == str(code)


@pytest.mark.parametrize(
    ("media_name", "code"), [("missing.png", 11200), ("page.html", 12300), ("huge.jpg", 30019)]
)
def test_media_problems_fail_the_message(
    gateway: TwilioGateway, receiver: WebhookReceiver, media_name: str, code: int
) -> None:
    gateway.send(
        OutboundSms(
            to=PHONE,
            from_=PROVIDER,
            body="pic",
            media_urls=(f"{receiver.url}/media/{media_name}",),
            status_callback=f"{receiver.url}/status",
        )
    )
    posts = receiver.wait_for("/status", _final)
    assert [p.params()["MessageStatus"] for p in posts] == ["sending", "failed"]
    assert posts[-1].params()["ErrorCode"] == str(code)


def test_unreachable_media_host_fails_with_11200(
    gateway: TwilioGateway, receiver: WebhookReceiver
) -> None:
    gateway.send(
        OutboundSms(
            to=PHONE,
            from_=PROVIDER,
            body="pic",
            media_urls=("http://127.0.0.1:9/nothing.png",),
            status_callback=f"{receiver.url}/status",
        )
    )
    posts = receiver.wait_for("/status", _final)
    assert posts[-1].params()["ErrorCode"] == "11200"


def test_rate_limit_is_retryable_with_retry_after(
    gateway: TwilioGateway, simulator: SimulatorServer
) -> None:
    httpx.post(f"{simulator.url}/_sim/faults", json={"kind": "429", "retry_after": 3})
    with pytest.raises(RetryableSmsError) as caught:
        gateway.send(OutboundSms(to=PHONE, from_=PROVIDER, body="hi"))
    assert (caught.value.http_status, caught.value.code, caught.value.retry_after) == (
        429,
        20429,
        3.0,
    )
    assert sim_messages(simulator) == []
    assert gateway.send(OutboundSms(to=PHONE, from_=PROVIDER, body="hi")).status == "queued"


def test_provider_down_is_retryable_and_sending_works_when_it_is_back(
    gateway: TwilioGateway, simulator: SimulatorServer
) -> None:
    simulator.stop()
    with pytest.raises(RetryableSmsError) as caught:
        gateway.send(OutboundSms(to=PHONE, from_=PROVIDER, body="hi"))
    assert caught.value.http_status is None
    simulator.start()
    assert gateway.send(OutboundSms(to=PHONE, from_=PROVIDER, body="hi")).status == "queued"


def test_unknown_host_is_retryable() -> None:
    gateway = TwilioGateway(
        ACCOUNT_SID, AUTH_TOKEN, api_base_url="http://no-such-host.invalid", timeout=2
    )
    with pytest.raises(RetryableSmsError):
        gateway.send(OutboundSms(to=PHONE, from_=PROVIDER, body="hi"))


def test_timeout_after_accept_is_uncertain_and_reconciliation_finds_the_message(
    simulator: SimulatorServer,
) -> None:
    gateway = TwilioGateway(ACCOUNT_SID, AUTH_TOKEN, api_base_url=simulator.url, timeout=0.3)
    before = datetime.now(UTC) - timedelta(seconds=1)
    gateway.send(OutboundSms(to=PHONE, from_=PROVIDER, body="earlier, other"))  # not to match
    httpx.post(f"{simulator.url}/_sim/faults", json={"kind": "hang", "delay": 1.0})
    with pytest.raises(UncertainSmsError):
        gateway.send(OutboundSms(to="+12015550151", from_=PROVIDER, body="did it go?"))
    found = gateway.list_messages(to="+12015550151", from_=PROVIDER, created_after=before)
    assert [(m.to, m.from_, m.body) for m in found] == [("+12015550151", PROVIDER, "did it go?")]
    assert found[0].sid.startswith("SM")
    later = datetime.now(UTC) + timedelta(seconds=5)
    assert gateway.list_messages(to="+12015550151", from_=PROVIDER, created_after=later) == []


def test_server_error_is_uncertain_and_nothing_was_stored(
    gateway: TwilioGateway, simulator: SimulatorServer
) -> None:
    before = datetime.now(UTC) - timedelta(seconds=1)
    httpx.post(f"{simulator.url}/_sim/faults", json={"kind": "http_500"})
    with pytest.raises(UncertainSmsError) as caught:
        gateway.send(OutboundSms(to=PHONE, from_=PROVIDER, body="hi"))
    assert caught.value.http_status == 500
    assert gateway.list_messages(to=PHONE, from_=PROVIDER, created_after=before) == []


def test_stop_opts_out_of_that_sender_until_start(
    gateway: TwilioGateway, simulator: SimulatorServer, receiver: WebhookReceiver
) -> None:
    def text(body: str) -> None:
        response = httpx.post(
            f"{simulator.url}/_sim/inbound", json={"from": PHONE, "to": PROVIDER, "body": body}
        )
        assert response.status_code == 201

    text(" Stop ")
    with pytest.raises(OptedOutError) as caught:
        gateway.send(OutboundSms(to=PHONE, from_=PROVIDER, body="hi"))
    assert (caught.value.code, caught.value.http_status) == (21610, 400)
    assert gateway.send(OutboundSms(to=PHONE, from_="+12015550109", body="other sender"))
    text("start")
    assert gateway.send(OutboundSms(to=PHONE, from_=PROVIDER, body="hi again")).status == "queued"
    # A plain number (no Messaging Service with Advanced Opt-Out): Twilio adds no OptOutType.
    posts = receiver.posts("/inbound")
    assert [(p.params()["Body"], p.params().get("OptOutType")) for p in posts] == [
        (" Stop ", None),
        ("start", None),
    ]


def test_wrong_credentials_are_a_permanent_20003(simulator: SimulatorServer) -> None:
    gateway = TwilioGateway(ACCOUNT_SID, "wrong-token", api_base_url=simulator.url, timeout=2)
    with pytest.raises(PermanentSmsError) as caught:
        gateway.send(OutboundSms(to=PHONE, from_=PROVIDER, body="hi"))
    assert (caught.value.code, caught.value.http_status) == (20003, 401)


def test_twilio_edge_and_region_in_the_environment_do_not_redirect_requests(
    simulator: SimulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_EDGE", "sydney")
    monkeypatch.setenv("TWILIO_REGION", "au1")
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "9" * 32)
    gateway = TwilioGateway(ACCOUNT_SID, AUTH_TOKEN, api_base_url=simulator.url, timeout=2)
    assert gateway.send(OutboundSms(to=PHONE, from_=PROVIDER, body="hi")).status == "queued"
    assert len(sim_messages(simulator)) == 1
