"""Wires the configured SMS provider to the dispatcher, the inbound router and the file
collector, for the app."""

from __future__ import annotations

from datetime import timedelta

from agent_workspace.config import get_settings
from agent_workspace.services.files import collection, media_links
from agent_workspace.services.inbound.route import InboundRouter
from agent_workspace.services.interactions import sla_alarm, snooze
from agent_workspace.services.outbox import wakeups
from agent_workspace.services.outbox.dispatch import Dispatcher
from agent_workspace.sms import SmsGateway, TwilioGateway


def make_gateway() -> SmsGateway:
    """Real Twilio with credentials; otherwise the built-in simulator on loopback."""
    settings = get_settings()
    account = settings.provider_account()
    return TwilioGateway(
        account.account_sid,
        account.auth_token,
        api_base_url=account.api_base_url,
        media_hosts=settings.provider_media_hosts(),
        pool_size=settings.outbox_concurrency + 2,  # the sends, a lookup and a media download
    )


def make_dispatcher(gateway: SmsGateway | None = None) -> Dispatcher:
    settings = get_settings()
    return Dispatcher(
        gateway or make_gateway(),
        status_callback_url=f"{settings.public_base_url.rstrip('/')}/api/twilio/status",
        media_url=media_links.media_url,
        poll_seconds=settings.outbox_poll_seconds,
        lease=timedelta(seconds=settings.outbox_lease_seconds),
        settle=timedelta(seconds=settings.outbox_reconcile_settle_seconds),
        concurrency=settings.outbox_concurrency,
        listener=wakeups.listener_for(settings.database_url, settings.redis_url),
        status_check_after=timedelta(seconds=settings.status_check_seconds),
    )


async def run_dispatcher() -> None:
    """The app's lifespan task."""
    await make_dispatcher().run_forever()


async def run_router() -> None:
    """The app's lifespan task that routes accepted inbound webhooks."""
    await InboundRouter(sweep_seconds=get_settings().inbound_sweep_seconds).run_forever()


async def run_file_collector() -> None:
    """The app's lifespan task that deletes stored files nothing refers to (every worker runs
    it; their passes may overlap)."""
    settings = get_settings()
    await collection.collect_forever(
        every=settings.file_sweep_seconds, grace=timedelta(seconds=settings.file_grace_seconds)
    )


async def run_snooze_alarm() -> None:
    """The app's lifespan task that wakes snoozed conversations whose time has come (every
    worker runs it; each is woken once, by whichever pass gets there first)."""
    await snooze.alarm_forever(every=get_settings().snooze_sweep_seconds)


async def run_sla_alarm() -> None:
    """The app's lifespan task that tells the assignee and supervisors of an SLA breach (every
    worker runs it; each breach is told once, by whichever pass claims it first)."""
    await sla_alarm.alarm_forever(every=get_settings().sla_sweep_seconds)
