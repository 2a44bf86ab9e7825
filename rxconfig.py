"""Reflex configuration; every value comes from agent_workspace.config.Settings."""

import reflex as rx

from agent_workspace.config import get_settings
from agent_workspace.ops import logs

settings = get_settings()

config = rx.Config(
    app_name="agent_workspace",
    db_url=settings.database_url,
    redis_url=settings.redis_url,
    # The disk, memory and Redis state managers all drop a tab's state this long after its
    # last event (REFLEX_REDIS_TOKEN_EXPIRATION, if set, wins).
    redis_token_expiration=settings.tab_state_seconds,
    backend_host="127.0.0.1",
    # Where a tab's client address is read from (sign-in throttling counts tries by it).
    trusted_proxy_hops=settings.trusted_proxy_hops,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="indigo", radius="medium"))],
    disable_plugins=[rx.plugins.SitemapPlugin],
)

# Every process Reflex starts reads this file (its CLI, the compile worker, each web worker):
# their records get the workspace's format, and Reflex's hints that do not apply are dropped.
logs.configure(settings.log_level, settings.log_format)
logs.quiet_reflex()
