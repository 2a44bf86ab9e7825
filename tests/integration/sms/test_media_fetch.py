"""Inbound MMS downloads reach only the provider's media hosts, within Twilio's limits.

A scripted "provider API" (the MediaUrl host, Basic auth like Twilio) redirects to a "CDN"
(an allowed media host) or to a "foreign" host; every request each one gets is recorded.
"""

from __future__ import annotations

import base64
import contextlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from agent_workspace import config
from agent_workspace.models import Attachment, AuditEvent
from agent_workspace.services.files import inbound_media
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.sms import PermanentSmsError, RetryableSmsError, TwilioGateway
from agent_workspace.web.runtime import make_dispatcher, make_gateway
from tests.integration.sms.conftest import ACCOUNT_SID, AUTH_TOKEN, PNG
from tests.support.factories import SUPPORT_NUMBER, make_channel
from tests.support.threaded_server import ThreadedServer

MEDIA = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/MM{'1' * 32}/Media/ME{'2' * 32}"
FIVE_MB = 5 * 1024 * 1024
BASIC = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()


@dataclass
class Hit:
    path: str
    authorization: str | None


@dataclass
class Host:
    """One loopback server; `answer` decides each response, `hits` records each request."""

    url: str = ""  # where it is served, once it is
    hits: list[Hit] = field(default_factory=list)
    answer: dict[str, Response] = field(default_factory=dict)

    async def _handle(self, request: Request) -> Response:
        self.hits.append(Hit(request.url.path, request.headers.get("authorization")))
        if request.url.path == "/loop":
            return RedirectResponse(f"{self.url}/loop", status_code=302)
        if request.url.path.startswith("/hop/"):
            n = int(request.url.path.rsplit("/", 1)[1])
            return RedirectResponse(f"{self.url}/hop/{n + 1}", status_code=307)
        if request.url.path == MEDIA and request.headers.get("authorization") != BASIC:
            return Response("Authenticate", status_code=401)
        return self.answer.get(request.url.path) or Response("missing", status_code=404)


@pytest.fixture(scope="module")
def _hosts() -> Iterator[tuple[Host, Host, Host]]:
    hosts = Host(), Host(), Host()
    with contextlib.ExitStack() as serving:
        for host in hosts:
            app = Starlette(routes=[Route("/{path:path}", host._handle, methods=["GET"])])
            host.url = serving.enter_context(ThreadedServer(app, name="media-host")).url
        yield hosts


@pytest.fixture
def hosts(_hosts: tuple[Host, Host, Host]) -> tuple[Host, Host, Host]:
    for host in _hosts:
        host.hits.clear()
        host.answer.clear()
    return _hosts


def _gateway(api: Host, *media_hosts: str) -> TwilioGateway:
    return TwilioGateway(
        ACCOUNT_SID,
        AUTH_TOKEN,
        api_base_url=api.url,
        timeout=2.0,
        media_fetch_attempts=2,
        media_retry_delay=0.01,
        media_hosts=media_hosts,
    )


def _redirect(to: str) -> Response:
    return RedirectResponse(to, status_code=302)


def test_credentials_go_to_the_api_and_never_to_the_cdn_hop(
    hosts: tuple[Host, Host, Host],
) -> None:
    api, cdn, _ = hosts
    api.answer[MEDIA] = _redirect(f"{cdn.url}/signed/abc?Expires=1")
    cdn.answer["/signed/abc"] = Response(PNG, media_type="image/png")

    media = _gateway(api, cdn.url).fetch_media(f"{api.url}{MEDIA}")

    assert (media.data, media.content_type) == (PNG, "image/png")
    assert [h.authorization for h in api.hits] == [BASIC]
    assert [(h.path, h.authorization) for h in cdn.hits] == [("/signed/abc", None)]


def test_a_redirect_to_a_foreign_host_is_refused_and_nothing_is_fetched_from_it(
    hosts: tuple[Host, Host, Host],
) -> None:
    api, cdn, foreign = hosts
    api.answer[MEDIA] = _redirect(f"{foreign.url}/evil.html")

    with pytest.raises(PermanentSmsError) as caught:
        _gateway(api, cdn.url).fetch_media(f"{api.url}{MEDIA}")

    assert f"{foreign.url}, which is not one of the provider's media hosts" in caught.value.message
    assert foreign.hits == []


def test_plain_http_to_a_real_media_host_is_refused(hosts: tuple[Host, Host, Host]) -> None:
    api, _, _ = hosts
    api.answer[MEDIA] = _redirect("http://mms.twiliocdn.com/abc")

    with pytest.raises(PermanentSmsError, match=r"http://mms\.twiliocdn\.com, which is not"):
        _gateway(api, "mms.twiliocdn.com").fetch_media(f"{api.url}{MEDIA}")


@pytest.mark.parametrize(
    "url",
    [
        "{cdn}/2010-04-01/Accounts/{sid}/Messages/MM{x}/Media/ME{x}",  # not the provider's API
        "{api}/2010-04-01/Accounts/{sid}/Messages.json",  # not a media item
        "{api}/2010-04-01/Accounts/AC{x}/Messages/MM{x}/Media/ME{x}",  # another account
    ],
)
def test_a_media_url_that_is_not_a_media_item_of_our_account_is_never_requested(
    hosts: tuple[Host, Host, Host], url: str
) -> None:
    api, cdn, _ = hosts
    target = url.format(api=api.url, cdn=cdn.url, sid=ACCOUNT_SID, x="3" * 32)

    with pytest.raises(PermanentSmsError, match="not a media item of this account"):
        _gateway(api, cdn.url).fetch_media(target)

    assert api.hits == cdn.hits == []


def test_a_redirect_loop_is_refused(hosts: tuple[Host, Host, Host]) -> None:
    api, cdn, _ = hosts
    api.answer[MEDIA] = _redirect(f"{cdn.url}/loop")

    with pytest.raises(PermanentSmsError, match="redirect loop"):
        _gateway(api, cdn.url).fetch_media(f"{api.url}{MEDIA}")

    assert [h.path for h in cdn.hits] == ["/loop"]


def test_more_than_three_redirects_are_refused(hosts: tuple[Host, Host, Host]) -> None:
    api, cdn, _ = hosts
    api.answer[MEDIA] = _redirect(f"{cdn.url}/hop/1")

    with pytest.raises(PermanentSmsError, match="redirected the attachment more than 3 times"):
        _gateway(api, cdn.url).fetch_media(f"{api.url}{MEDIA}")

    assert [h.path for h in cdn.hits] == ["/hop/1", "/hop/2", "/hop/3"]


async def _chunks(total: int) -> AsyncIterator[bytes]:
    sent = 0
    while sent < total:
        chunk = b"\xff" * min(64 * 1024, total - sent)
        sent += len(chunk)
        yield chunk


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_a_body_over_5_mb_is_cut_off_and_refused(
    hosts: tuple[Host, Host, Host], declared: bool
) -> None:
    api, cdn, _ = hosts
    size = FIVE_MB + 1
    headers = {"content-length": str(size)} if declared else {}
    api.answer[MEDIA] = _redirect(f"{cdn.url}/big.jpg")
    cdn.answer["/big.jpg"] = StreamingResponse(
        _chunks(size), media_type="image/jpeg", headers=headers
    )

    with pytest.raises(PermanentSmsError, match=r"larger than 5 MB \(Twilio's MMS limit\)"):
        _gateway(api, cdn.url).fetch_media(f"{api.url}{MEDIA}")


def test_exactly_5_mb_is_fetched(hosts: tuple[Host, Host, Host]) -> None:
    api, cdn, _ = hosts
    api.answer[MEDIA] = Response(PNG + bytes(FIVE_MB - len(PNG)), media_type="image/png")

    assert len(_gateway(api, cdn.url).fetch_media(f"{api.url}{MEDIA}").data) == FIVE_MB


def test_media_that_stays_missing_is_worth_another_try_later(
    hosts: tuple[Host, Host, Host],
) -> None:
    """Twilio may answer 404 right after the webhook; the dispatcher retries with backoff."""
    api, cdn, _ = hosts
    with pytest.raises(RetryableSmsError) as caught:
        _gateway(api, cdn.url).fetch_media(f"{api.url}{MEDIA}")
    assert caught.value.http_status == 404
    assert len(api.hits) == 2  # media_fetch_attempts


def test_a_refused_download_ends_at_once_with_a_readable_reason(
    engine: Engine, hosts: tuple[Host, Host, Host]
) -> None:
    api, cdn, foreign = hosts
    api.answer[MEDIA] = _redirect(f"{foreign.url}/evil.html")
    make_channel()
    receive_sms(
        sms=InboundSms(
            sid="MM" + "4" * 32,
            from_="+14155550123",
            to=SUPPORT_NUMBER,
            body="see attached",
            media=((f"{api.url}{MEDIA}", "image/jpeg"),),
        )
    )
    dispatcher = make_dispatcher(gateway=_gateway(api, cdn.url))

    assert dispatcher.run_once() == 1

    with Session(engine) as session:
        attachment = session.exec(select(Attachment)).one()
        audit = session.exec(
            select(AuditEvent).where(AuditEvent.action == "attachment.fetch_failed")
        ).one()
    assert attachment.fetch_attempts == 1
    assert attachment.storage_key is None
    assert attachment.fetch_error is not None
    assert "not one of the provider's media hosts" in attachment.fetch_error
    assert audit.detail["reason"] == attachment.fetch_error
    assert inbound_media.pending_media() == []
    assert foreign.hits == []


def test_the_running_app_fetches_from_the_configured_media_hosts_only(
    hosts: tuple[Host, Host, Host], monkeypatch: pytest.MonkeyPatch
) -> None:
    api, cdn, foreign = hosts
    monkeypatch.setenv("AW_TWILIO_ACCOUNT_SID", ACCOUNT_SID)
    monkeypatch.setenv("AW_TWILIO_AUTH_TOKEN", AUTH_TOKEN)
    monkeypatch.setenv("AW_TWILIO_API_BASE_URL", api.url)
    monkeypatch.setenv("AW_MEDIA_HOSTS", cdn.url)
    config.get_settings.cache_clear()
    api.answer[MEDIA] = _redirect(f"{cdn.url}/signed/abc")
    cdn.answer["/signed/abc"] = Response(PNG, media_type="image/png")

    assert make_gateway().fetch_media(f"https://api.twilio.com{MEDIA}").data == PNG

    monkeypatch.setenv("AW_MEDIA_HOSTS", foreign.url)
    config.get_settings.cache_clear()
    with pytest.raises(PermanentSmsError, match="not one of the provider's media hosts"):
        make_gateway().fetch_media(f"https://api.twilio.com{MEDIA}")
