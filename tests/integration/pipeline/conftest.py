"""The whole SMS pipeline over real loopback HTTP: the workspace's webhook/media API under
uvicorn, the Twilio-compatible simulator, and a dispatcher driven pass by pass by the test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import col, func, select
from starlette.types import ASGIApp

from agent_workspace import config
from agent_workspace.db.engine import transaction
from agent_workspace.domain.attachments import CandidateFile
from agent_workspace.models import AcceptedWebhook, AuditEvent, Message
from agent_workspace.services.access import Actor
from agent_workspace.services.inbound.route import route_pending
from agent_workspace.services.outbox.dispatch import Dispatcher
from agent_workspace.services.sending.send import SendRequest, SendResult, send_sms
from agent_workspace.sms import TwilioGateway, compute_signature
from agent_workspace.sms.simulator import SimulatorServer
from agent_workspace.web.routes import create_api
from agent_workspace.web.runtime import make_dispatcher
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user
from tests.support.threaded_server import ThreadedServer
from tests.support.waiting import wait_until

CONSUMER_PHONE = "+12015550150"
# A 1x1 transparent PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
STATUS_DELAYS = (0.01, 0.01, 0.01)


class ApiServer(ThreadedServer):
    """`create_api()` (or another ASGI app) served in a thread on a free loopback port."""

    def __init__(self, app: ASGIApp | None = None) -> None:
        super().__init__(app or create_api(), name="workspace-api")


@dataclass
class Pipeline:
    """Everything one test needs, wired like the running app."""

    engine: Engine
    api: ApiServer
    simulator: SimulatorServer
    gateway: TwilioGateway
    dispatcher: Dispatcher
    agent: Actor
    account_sid: str
    auth_token: str

    @property
    def base_url(self) -> str:
        return config.get_settings().public_base_url.rstrip("/")

    # Sending and driving the dispatcher
    def send(
        self,
        to: str,
        body: str = "Hello from support",
        *,
        files: tuple[CandidateFile, ...] = (),
        from_: str = SUPPORT_NUMBER,
        actor: Actor | None = None,
    ) -> SendResult:
        request = SendRequest(from_number=from_, to=to, body=body, files=files)
        return send_sms(actor=actor or self.agent, request=request)

    def message(self, message_id: int) -> Message:
        with transaction() as session:
            message = session.get(Message, message_id)
            assert message is not None
            return message

    def drain(
        self,
        message_id: int,
        *statuses: str,
        timeout: float = 8.0,
        dispatcher: Dispatcher | None = None,
        step: Callable[[], object] | None = None,
    ) -> Message:
        """Runs dispatcher passes (or `step`) until the message reaches one of `statuses`."""
        found: list[Message] = []

        def reached() -> bool:
            found[:] = [self.message(message_id)]
            return found[0].status.value in statuses

        wait_until(
            reached,
            timeout=timeout,
            step=step or (dispatcher or self.dispatcher).run_once,
            what=f"message {message_id} to become {statuses} (now {found and found[0].status})",
        )
        return found[0]

    # The simulator (control API)
    def sim_messages(self, **match: str) -> list[dict[str, Any]]:
        response = httpx.get(f"{self.simulator.url}/_sim/messages", timeout=5)
        response.raise_for_status()
        messages: list[dict[str, Any]] = response.json()["messages"]
        return [m for m in messages if all(m.get(k) == v for k, v in match.items())]

    def sim_post(self, path: str, payload: dict[str, Any]) -> httpx.Response:
        response = httpx.post(f"{self.simulator.url}/_sim/{path}", json=payload, timeout=10)
        response.raise_for_status()
        return response

    def phone_texts(self, body: str, *, phone: str = CONSUMER_PHONE, **extra: Any) -> str:
        """A consumer texts the provider number; the simulator posts the signed webhook."""
        payload = {"from": phone, "to": SUPPORT_NUMBER, "body": body, **extra}
        message = self.sim_post("inbound", payload).json()
        assert message["webhook_ok"], message["webhook_result"]
        self.route()
        sid: str = message["sid"]
        return sid

    def route(self) -> int:
        """What the app's router does just after a webhook is answered: route what was accepted."""
        return route_pending()

    # Webhooks posted by the test itself
    def inbound_form(self, n: int, body: str, **extra: str) -> dict[str, str]:
        """The form Twilio posts for text `n` (its MessageSid made of n), from CONSUMER_PHONE
        to the support number unless `extra` says otherwise."""
        sid = f"SM{n:032x}"
        return {
            "MessageSid": sid,
            "SmsSid": sid,
            "AccountSid": self.account_sid,
            "From": CONSUMER_PHONE,
            "To": SUPPORT_NUMBER,
            "Body": body,
            "NumMedia": "0",
            "ApiVersion": "2010-04-01",
            **extra,
        }

    def post_webhook(
        self,
        path: str,
        params: dict[str, str],
        *,
        signature: str | None = None,
        sign_url: str | None = None,
        route: bool = True,
    ) -> httpx.Response:
        """POSTs a form to the API; signed for the public URL unless told otherwise. An inbound
        webhook is then routed, as the app's router does just after the answer."""
        if signature is None:
            signature = compute_signature(self.auth_token, sign_url or self.base_url + path, params)
        headers = {"X-Twilio-Signature": signature} if signature else {}
        response = httpx.post(f"{self.api.url}{path}", data=params, headers=headers, timeout=10)
        if route and path.endswith("/inbound"):
            self.route()
        return response

    def status_callback(self, sid: str, status: str, error_code: int | None = None) -> int:
        params = {
            "AccountSid": self.account_sid,
            "MessageSid": sid,
            "SmsSid": sid,
            "MessageStatus": status,
            "SmsStatus": status,
            "From": SUPPORT_NUMBER,
            "To": CONSUMER_PHONE,
            "ApiVersion": "2010-04-01",
        }
        if error_code is not None:
            params["ErrorCode"] = str(error_code)
        return self.post_webhook("/api/twilio/status", params).status_code


def count(model: Any, *where: Any) -> int:
    with transaction() as session:
        return int(session.exec(select(func.count()).select_from(model).where(*where)).one())


def accepted_row(sid: str) -> AcceptedWebhook:
    """The accepted webhook row of `sid`, detached from its session."""
    with transaction() as session:
        row = session.exec(select(AcceptedWebhook).where(AcceptedWebhook.sid == sid)).one()
        session.expunge(row)
        return row


def end_other_connections(engine: Engine) -> int:
    """Ends every other connection to the engine's PostgreSQL database (a restart, an idle
    timeout, as the pools see it); how many were ended."""
    admin = sa.create_engine(engine.url, poolclass=sa.pool.NullPool)
    try:
        with admin.connect() as conn:
            return int(
                conn.exec_driver_sql(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                ).scalar_one()
            )
    finally:
        admin.dispose()


def audit_rows(action: str, entity_id: int | None = None) -> list[AuditEvent]:
    with transaction() as session:
        query = select(AuditEvent).where(AuditEvent.action == action)
        if entity_id is not None:
            query = query.where(AuditEvent.entity_id == entity_id)
        return list(session.exec(query.order_by(col(AuditEvent.id))).all())


@pytest.fixture(scope="session")
def api_server() -> Iterator[ApiServer]:
    """Stateless between tests: every request reads the current settings and engine."""
    api = ApiServer().start()
    yield api
    api.stop()


class _Simulators:
    """One simulator per (account sid, token), started on first use, kept for the session."""

    def __init__(self) -> None:
        self.servers: dict[tuple[str, str], SimulatorServer] = {}

    def get(self, account_sid: str, auth_token: str, webhook: str) -> SimulatorServer:
        key = (account_sid, auth_token)
        if key not in self.servers:
            self.servers[key] = SimulatorServer(
                account_sid=account_sid,
                auth_token=auth_token,
                inbound_webhook_url=webhook,
                status_delays=STATUS_DELAYS,
                media_fetch_timeout=3.0,
                webhook_timeout=5.0,
            )
        return self.servers[key].start()


@pytest.fixture(scope="session")
def _simulators() -> Iterator[_Simulators]:
    simulators = _Simulators()
    yield simulators
    for server in simulators.servers.values():
        server.stop()


@pytest.fixture
def pipeline(
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    api_server: ApiServer,
    _simulators: _Simulators,
) -> Iterator[Pipeline]:
    monkeypatch.setenv("AW_PUBLIC_BASE_URL", api_server.url)
    config.get_settings.cache_clear()
    account = config.get_settings().provider_account()
    assert account.account_sid == config.SIMULATOR_ACCOUNT_SID
    inbound_url = f"{api_server.url}/api/twilio/inbound"
    simulator = _simulators.get(account.account_sid, account.auth_token, inbound_url)
    simulator.reset()
    httpx.post(
        f"{simulator.url}/_sim/settings",
        json={
            "inbound_webhook_url": inbound_url,
            "media_first_fetch_404": False,
            "provider_numbers": [],
            "status_delays": list(STATUS_DELAYS),
            "hold_queued": False,
            "advanced_opt_out_service": None,
            "messaging_services": [],
        },
        timeout=5,
    ).raise_for_status()
    monkeypatch.setenv("AW_SIMULATOR_PORT", str(simulator.port))
    # Creates that hang here answer within a couple of seconds: no need to wait the default.
    monkeypatch.setenv("AW_OUTBOX_RECONCILE_SETTLE_SECONDS", "1.5")
    config.get_settings.cache_clear()
    gateway = TwilioGateway(
        account.account_sid,
        account.auth_token,
        api_base_url=simulator.url,
        timeout=3.0,
        media_retry_delay=0.05,
    )
    make_channel()
    agent = make_user("alice")
    make_consumer("Carol", CONSUMER_PHONE)
    try:
        yield Pipeline(
            engine=engine,
            api=api_server,
            simulator=simulator,
            gateway=gateway,
            dispatcher=make_dispatcher(gateway=gateway),
            agent=agent,
            account_sid=account.account_sid,
            auth_token=account.auth_token,
        )
    finally:
        simulator.start()  # a test may have stopped it
        simulator.reset()  # stops pending callbacks before the next test's settings
