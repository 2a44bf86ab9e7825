"""`create_simulator_app`: the Starlette app of the Twilio-compatible SMS simulator."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from agent_workspace.sms.simulator import api, control, media, phone_page
from agent_workspace.sms.simulator.core import Simulator, SimulatorConfig
from agent_workspace.sms.simulator.store import SimulatorStore


async def _home(request: Request) -> Response:
    return RedirectResponse("/phone", status_code=307)


def create_simulator_app(
    *,
    account_sid: str,
    auth_token: str,
    inbound_webhook_url: str | None,
    public_base_url: str,
    status_delays: tuple[float, float, float] = (0.2, 0.5, 1.0),
    provider_numbers: Iterable[str] = (),
    messaging_services: Iterable[str] = (),
    media_first_fetch_404: bool = False,
    hold_queued: bool = False,
    media_fetch_timeout: float = 5.0,
    webhook_timeout: float = 5.0,
    store: SimulatorStore | None = None,
) -> Starlette:
    """Build the simulator app.

    Args:
        account_sid: The simulated account SID (Basic-auth user and path segment).
        auth_token: The simulated auth token (Basic-auth password, webhook signing key).
        inbound_webhook_url: Where texts from phones are POSTed (the app's inbound webhook).
        public_base_url: The URL clients use to reach the simulator (for media URLs).
        status_delays: Seconds before "sending", before "sent", before "delivered".
        provider_numbers: Accepted From numbers; empty accepts any E.164 From.
        messaging_services: The account's Messaging Service SIDs (MG...); each one's sender
            pool is the provider numbers, with Sticky Sender.
        media_first_fetch_404: Answer 404 to the first fetch of each inbound media, like Twilio
            sometimes does right after the webhook.
        hold_queued: Keep accepted messages "queued" with no status callbacks (delivery pacing
            off: a Twilio sender queue that has not reached them yet).
        media_fetch_timeout: Seconds allowed to fetch an outbound MediaUrl.
        webhook_timeout: Seconds allowed for status callbacks and inbound webhooks.
        store: State to use (a new one by default).

    Returns:
        The app; `app.state.simulator` is the `Simulator` (config, store).
    """
    simulator = Simulator(
        SimulatorConfig(
            account_sid=account_sid,
            auth_token=auth_token,
            public_base_url=public_base_url.rstrip("/"),
            inbound_webhook_url=inbound_webhook_url,
            status_delays=status_delays,
            provider_numbers=frozenset(provider_numbers),
            messaging_services=frozenset(messaging_services),
            media_first_fetch_404=media_first_fetch_404,
            hold_queued=hold_queued,
            media_fetch_timeout=media_fetch_timeout,
            webhook_timeout=webhook_timeout,
        ),
        store,
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await simulator.close()

    app = Starlette(
        routes=[Route("/", _home), *api.routes, *media.routes, *control.routes, *phone_page.routes],
        lifespan=lifespan,
    )
    app.state.simulator = simulator
    return app
