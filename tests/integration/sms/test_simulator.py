"""The simulator itself: Twilio-shaped API, phone page, inbound webhooks and media."""

from __future__ import annotations

import base64
import re
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urlsplit

import httpx
import phonenumbers
import pytest
from phonenumbers import PhoneNumberType

from agent_workspace.sms import (
    OutboundSms,
    PermanentSmsError,
    RetryableSmsError,
    TwilioGateway,
    validate_signature,
)
from agent_workspace.sms.simulator import MAGIC_FROM_NUMBERS, MAGIC_NUMBERS, SimulatorServer
from tests.integration.sms.conftest import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    PHONE,
    PNG,
    PROVIDER,
    WebhookReceiver,
    sim_messages,
)
from tests.support.waiting import wait_until

API = f"/2010-04-01/Accounts/{ACCOUNT_SID}"


def _api(simulator: SimulatorServer) -> httpx.Client:
    return httpx.Client(base_url=simulator.url + API, auth=(ACCOUNT_SID, AUTH_TOKEN), timeout=5)


@pytest.mark.parametrize("number", [*MAGIC_NUMBERS, *MAGIC_FROM_NUMBERS])
def test_magic_numbers_pass_the_apps_phone_validation(number: str) -> None:
    parsed = phonenumbers.parse(number)
    assert phonenumbers.is_valid_number(parsed)
    assert phonenumbers.number_type(parsed) in (
        PhoneNumberType.MOBILE,
        PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def test_api_requires_basic_auth_with_twilio_error_body(simulator: SimulatorServer) -> None:
    response = httpx.get(f"{simulator.url}{API}/Messages.json", auth=(ACCOUNT_SID, "nope"))
    assert response.status_code == 401
    assert response.json() == {
        "code": 20003,
        "message": "Authenticate",
        "more_info": "https://www.twilio.com/docs/errors/20003",
        "status": 401,
    }


def test_created_message_is_twilio_shaped_and_fetchable(simulator: SimulatorServer) -> None:
    with _api(simulator) as api:
        created = api.post("/Messages.json", data={"To": PHONE, "From": PROVIDER, "Body": "héllo"})
        assert created.status_code == 201
        body = created.json()
        assert re.fullmatch(r"SM[0-9a-f]{32}", body["sid"])
        assert body["direction"] == "outbound-api"
        assert body["status"] == "queued"
        assert (body["account_sid"], body["api_version"]) == (ACCOUNT_SID, "2010-04-01")
        assert parsedate_to_datetime(body["date_created"]).tzinfo is not None
        assert body["uri"] == f"{API}/Messages/{body['sid']}.json"
        assert body["subresource_uris"]["media"] == f"{API}/Messages/{body['sid']}/Media.json"
        assert (body["num_media"], body["num_segments"], body["error_code"]) == ("0", "1", None)
        fetched = api.get(f"/Messages/{body['sid']}.json").json()
        assert fetched["sid"] == body["sid"]
        assert fetched["body"] == "héllo"
        missing = api.post("/Messages.json", data={"From": PROVIDER, "Body": "x"})
        assert (missing.status_code, missing.json()["code"]) == (400, 21604)
        too_many = api.post(
            "/Messages.json",
            data={
                "To": PHONE,
                "From": PROVIDER,
                "MediaUrl": [f"https://e.com/{i}.png" for i in range(11)],
            },
        )
        assert too_many.json()["code"] == 21623


def test_configured_provider_numbers_restrict_from(simulator: SimulatorServer) -> None:
    httpx.post(f"{simulator.url}/_sim/settings", json={"provider_numbers": [PROVIDER]})
    with _api(simulator) as api:
        ok = api.post("/Messages.json", data={"To": PHONE, "From": PROVIDER, "Body": "x"})
        other = api.post("/Messages.json", data={"To": PHONE, "From": "+12015550109", "Body": "x"})
    assert ok.status_code == 201
    assert (other.status_code, other.json()["code"]) == (400, 21606)


def test_listing_filters_and_pages_like_twilio(simulator: SimulatorServer) -> None:
    # Held queued: a message sent while the client pages moves to its DateSent place (and may
    # be listed again); this test is about filters and page order, not that race.
    httpx.post(f"{simulator.url}/_sim/settings", json={"hold_queued": True}).raise_for_status()
    with _api(simulator) as api:
        for i in range(5):
            api.post("/Messages.json", data={"To": PHONE, "From": PROVIDER, "Body": f"m{i}"})
        api.post("/Messages.json", data={"To": "+12015550152", "From": PROVIDER, "Body": "other"})
        page = api.get("/Messages.json", params={"To": PHONE, "PageSize": 2}).json()
        bodies = [m["body"] for m in page["messages"]]
        while page["next_page_uri"]:
            page = httpx.get(
                simulator.url + page["next_page_uri"], auth=(ACCOUNT_SID, AUTH_TOKEN)
            ).json()
            bodies += [m["body"] for m in page["messages"]]
        assert bodies == ["m4", "m3", "m2", "m1", "m0"]
        assert page["page"] == 2
        assert page["page_size"] == 2
        future = api.get("/Messages.json", params={"DateSent>": "2999-01-01"}).json()
        assert future["messages"] == []


def test_rate_limit_fault_answers_429_with_retry_after(simulator: SimulatorServer) -> None:
    httpx.post(f"{simulator.url}/_sim/faults", json={"kind": "429", "count": 2, "retry_after": 7})
    with _api(simulator) as api:
        answers = [
            api.post("/Messages.json", data={"To": PHONE, "From": PROVIDER, "Body": "x"})
            for _ in range(3)
        ]
    assert [a.status_code for a in answers] == [429, 429, 201]
    assert answers[0].headers["retry-after"] == "7"
    assert answers[0].json()["code"] == 20429


def test_phone_page_shows_the_conversation_and_a_labelled_reply_form(
    gateway: TwilioGateway, simulator: SimulatorServer, receiver: WebhookReceiver
) -> None:
    gateway.send(
        OutboundSms(
            to=PHONE,
            from_=PROVIDER,
            body="Your order <shipped>",
            media_urls=(f"{receiver.url}/media/ok.png",),
        )
    )
    index = httpx.get(f"{simulator.url}/phone")
    assert index.status_code == 200
    assert PHONE in index.text
    assert '<label for="number">' in index.text
    wait_until(  # media fetched and shown
        lambda: sim_messages(simulator)[0]["status"] == "delivered", timeout=5, what="delivery"
    )
    page = httpx.get(f"{simulator.url}/phone/{PHONE}")
    assert page.status_code == 200
    assert "Your order &lt;shipped&gt;" in page.text
    assert 'for="to"' in page.text
    assert 'for="body"' in page.text
    assert 'for="media"' in page.text
    assert f'value="{PROVIDER}"' in page.text  # replies go to the last sender by default
    [media_sid] = re.findall(r'<img src="/phone/media/(ME[0-9a-f]{32})"', page.text)
    image = httpx.get(f"{simulator.url}/phone/media/{media_sid}")
    assert (image.content, image.headers["content-type"]) == (PNG, "image/png")


def test_reply_with_picture_posts_a_signed_inbound_webhook_and_media_downloads(
    gateway: TwilioGateway, simulator: SimulatorServer, receiver: WebhookReceiver
) -> None:
    httpx.post(f"{simulator.url}/_sim/settings", json={"media_first_fetch_404": True})
    reply = httpx.post(
        f"{simulator.url}/phone/{PHONE}/reply",
        data={"to": PROVIDER, "body": "Here is the damage"},
        files={"media": ("photo.png", PNG, "image/png")},
    )
    assert reply.status_code == 303
    [post] = receiver.posts("/inbound")
    params = post.params()
    assert validate_signature(
        AUTH_TOKEN, f"{receiver.url}/inbound", post.form, post.headers["x-twilio-signature"]
    )
    assert re.fullmatch(r"MM[0-9a-f]{32}", params["MessageSid"])
    assert params["SmsMessageSid"] == params["SmsSid"] == params["MessageSid"]
    assert (params["From"], params["To"], params["Body"]) == (PHONE, PROVIDER, "Here is the damage")
    assert (params["AccountSid"], params["NumMedia"], params["ApiVersion"]) == (
        ACCOUNT_SID,
        "1",
        "2010-04-01",
    )
    assert params["MediaContentType0"] == "image/png"
    assert "MessagingServiceSid" not in params
    assert "OptOutType" not in params
    url = params["MediaUrl0"]
    assert re.fullmatch(
        rf"{simulator.url}{API}/Messages/{params['MessageSid']}/Media/ME[0-9a-f]{{32}}", url
    )
    assert httpx.get(url).status_code == 401
    media = gateway.fetch_media(url)  # first answer is 404, the gateway retries
    assert (media.data, media.content_type) == (PNG, "image/png")
    intruder = TwilioGateway(ACCOUNT_SID, "wrong", api_base_url=simulator.url, timeout=2)
    with pytest.raises(PermanentSmsError):
        intruder.fetch_media(url)


def test_media_that_never_appears_is_worth_another_try_later(
    gateway: TwilioGateway, simulator: SimulatorServer
) -> None:
    """Twilio may 404 right after the webhook: the dispatcher retries later, with backoff."""
    with pytest.raises(RetryableSmsError) as caught:
        gateway.fetch_media(f"{simulator.url}{API}/Messages/MM{'0' * 32}/Media/ME{'0' * 32}")
    assert caught.value.http_status == 404


def test_twilio_host_media_urls_are_rewritten_to_the_api_base(
    gateway: TwilioGateway, simulator: SimulatorServer
) -> None:
    sent = httpx.post(
        f"{simulator.url}/_sim/inbound",
        json={
            "from": PHONE,
            "to": PROVIDER,
            "body": "",
            "media": [{"content_type": "image/png", "data_base64": "iVBORw0KGgo="}],
        },
    ).json()
    path = f"{API}/Messages/{sent['sid']}/Media/{sent['media'][0]['sid']}"
    media = gateway.fetch_media(f"https://api.twilio.com{path}")
    assert media.data == b"\x89PNG\r\n\x1a\n"


def test_failed_webhook_delivery_shows_on_the_phone_page(
    simulator: SimulatorServer, receiver: WebhookReceiver
) -> None:
    httpx.post(
        f"{simulator.url}/_sim/settings", json={"inbound_webhook_url": f"{receiver.url}/fail"}
    )
    reply = httpx.post(
        f"{simulator.url}/phone/{PHONE}/reply",
        data={"to": PROVIDER, "body": "anyone there?"},
        follow_redirects=True,
    )
    assert reply.status_code == 200
    assert "Not delivered to the app" in reply.text
    assert "HTTP 500" in reply.text


def test_reply_needs_valid_numbers_and_some_content(simulator: SimulatorServer) -> None:
    bad = httpx.post(f"{simulator.url}/phone/{PHONE}/reply", data={"to": "123", "body": "x"})
    empty = httpx.post(f"{simulator.url}/phone/{PHONE}/reply", data={"to": PROVIDER, "body": " "})
    assert bad.status_code == empty.status_code == 400
    assert 'role="alert"' in bad.text
    assert sim_messages(simulator) == []


MESSAGING_SERVICE = "MG" + "4" * 32


@pytest.mark.parametrize(
    ("body", "opt_out_type"),
    [
        ("STOPALL", "STOP"),
        ("unsubscribe", "STOP"),
        ("Revoke", "STOP"),
        ("optout", "STOP"),
        ("unstop", "START"),
        ("help", "HELP"),
        ("info", "HELP"),
        ("Stop!", "STOP"),
        (" yes. ", "START"),
        ("stop please", None),
        ("ALTO", None),
    ],
)
def test_keywords_set_opt_out_type_with_advanced_opt_out(
    simulator: SimulatorServer, receiver: WebhookReceiver, body: str, opt_out_type: str | None
) -> None:
    """Twilio posts OptOutType (and the service's sid) for a number in a Messaging Service with
    Advanced Opt-Out; the keywords are Twilio's documented defaults."""
    httpx.post(
        f"{simulator.url}/_sim/settings", json={"advanced_opt_out_service": MESSAGING_SERVICE}
    ).raise_for_status()
    httpx.post(f"{simulator.url}/_sim/inbound", json={"from": PHONE, "to": PROVIDER, "body": body})
    [post] = receiver.posts("/inbound")
    assert post.params().get("OptOutType") == opt_out_type
    assert post.params()["MessagingServiceSid"] == MESSAGING_SERVICE


@pytest.mark.parametrize("body", ["STOP", "start", "HELP"])
def test_a_plain_number_gets_keywords_without_opt_out_type(
    simulator: SimulatorServer, receiver: WebhookReceiver, body: str
) -> None:
    """Without a Messaging Service, Twilio's default filtering still acts on the keyword, but
    the webhook is a plain one: no OptOutType, no MessagingServiceSid."""
    httpx.post(f"{simulator.url}/_sim/inbound", json={"from": PHONE, "to": PROVIDER, "body": body})
    [post] = receiver.posts("/inbound")
    assert post.params()["Body"] == body
    assert "OptOutType" not in post.params()
    assert "MessagingServiceSid" not in post.params()


def test_a_media_url_redirects_like_twilio_to_a_short_lived_unauthenticated_copy(
    simulator: SimulatorServer,
) -> None:
    sent = httpx.post(
        f"{simulator.url}/_sim/inbound",
        json={
            "from": PHONE,
            "to": PROVIDER,
            "body": "",
            "media": [{"content_type": "image/png", "data_base64": base64.b64encode(PNG).decode()}],
        },
    ).json()
    media_url = f"{simulator.url}{API}/Messages/{sent['sid']}/Media/{sent['media'][0]['sid']}"
    assert httpx.get(media_url).status_code == 401

    answer = httpx.get(media_url, auth=(ACCOUNT_SID, AUTH_TOKEN))
    assert answer.status_code == 302
    location = answer.headers["location"]
    assert location.startswith(f"{simulator.url}/media/")
    assert API not in location and AUTH_TOKEN not in location
    copy = httpx.get(location)  # no credentials, like Twilio's media CDN
    assert (copy.status_code, copy.content, copy.headers["content-type"]) == (
        200,
        PNG,
        "image/png",
    )

    query = dict(parse_qsl(urlsplit(location).query))
    base = location.split("?")[0]
    flipped = ("0" if query["Signature"][0] != "0" else "1") + query["Signature"][1:]
    later = str(int(query["Expires"]) + 3600)
    for forged in (
        f"{base}?Expires={query['Expires']}&Signature={flipped}",
        f"{base}?Expires={later}&Signature={query['Signature']}",
        base,
    ):
        assert httpx.get(forged).status_code == 403
