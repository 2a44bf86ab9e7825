"""One settings object for the whole workspace, read from the environment and `.env`."""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from agent_workspace.domain.addresses import is_local_host, normalise_host
from agent_workspace.domain.origins import parse_origins

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "dev-secret-change-me"})
DEV_SECRET = "dev-secret-change-me"  # noqa: S105 (refused outside development)


SIMULATOR_ACCOUNT_SID = "AC" + "5" * 32
#: What Twilio's console shows as the Account SID (the README's placeholder is not one).
TWILIO_ACCOUNT_SID = re.compile(r"AC[0-9a-fA-F]{32}")


@dataclass(frozen=True)
class ProviderAccount:
    """Where and as whom the app talks to the SMS provider."""

    account_sid: str
    auth_token: str
    api_base_url: str


class Settings(BaseSettings):
    """Deployment settings; defaults give the embedded demo (SQLite + built-in simulator)."""

    model_config = SettingsConfigDict(
        env_prefix="AW_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    environment: str = Field(default="development", pattern="^(development|test|production)$")
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'data' / 'workspace.db'}"
    redis_url: str | None = None
    public_base_url: str = "http://127.0.0.1:3000"
    secret_key: str = DEV_SECRET
    session_hours: int = Field(default=12, ge=1, le=24 * 30)
    # How long the server keeps a browser tab's page state after the tab's last event (a closed
    # tab's, and an idle one's: it reloads its page at its next event, unsent text gone).
    tab_state_seconds: int = Field(default=3600, ge=60, le=24 * 3600)
    bcrypt_rounds: int = Field(default=12, ge=4, le=16)
    # Reverse proxies in front of the app that append to X-Forwarded-For (1 behind one TLS
    # proxy). 0 reads the connection's peer: behind a proxy that is the proxy, and sign-in
    # throttling would count every client as one address.
    trusted_proxy_hops: int = Field(default=0, ge=0, le=10)

    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_api_base_url: str = "https://api.twilio.com"
    simulator_port: int = 8765
    # Where inbound MMS media may be downloaded from: Twilio's API and the media CDN it
    # redirects to; a bare host means https. The simulator ignores it (media is on its origin).
    media_hosts: str = "api.twilio.com,mms.twiliocdn.com"

    default_region: str = Field(default="US", min_length=2, max_length=2)
    attachment_types: str = "image/jpeg,image/png,image/gif"
    attachment_max_bytes: int = Field(default=5 * 1024 * 1024, gt=0)
    attachment_max_files: int = Field(default=10, ge=1, le=10)
    storage_dir: Path = PROJECT_ROOT / "data" / "files"
    # Where `build` puts the built frontend and `serve` reads it from (never writing to it).
    web_dir: Path = PROJECT_ROOT / "data" / "web"
    media_url_ttl_seconds: int = Field(default=3600, ge=60)
    # A file attached in a composer and not sent within this long is deleted (Send then asks
    # to attach it again), and so are stored bytes nothing refers to once this old.
    file_grace_seconds: float = Field(default=24 * 3600.0, ge=60.0)
    # How often each worker looks for such files (services/files/collection.py).
    file_sweep_seconds: float = Field(default=3600.0, gt=0, le=7 * 24 * 3600.0)

    profile_resolver: str = "default"
    # Only the fallback: commits wake the dispatchers (in-process, NOTIFY or Redis pub/sub).
    outbox_poll_seconds: float = Field(default=5.0, gt=0)
    # Provider calls each dispatcher (one per worker process) has in flight at once.
    outbox_concurrency: int = Field(default=16, ge=1, le=64)
    # How long a dispatcher holds a claimed message; each provider call ends well within it.
    outbox_lease_seconds: float = Field(default=60.0, ge=1.0, le=3600.0)
    # How often the inbound router also looks for accepted webhooks nobody routed (a worker
    # that crashed between accepting and routing); it is woken at once for this worker's own.
    inbound_sweep_seconds: float = Field(default=5.0, gt=0, le=3600.0)
    # Minutes with no key, click or pointer move in any of an Available agent's tabs after
    # which they turn Away, until they act again (measured in the browser); 0: never.
    away_after_minutes: float = Field(default=15.0, ge=0.0, le=24 * 60.0)
    # How often each worker looks for snoozed conversations whose time has come.
    snooze_sweep_seconds: float = Field(default=15.0, gt=0, le=3600.0)
    sla_sweep_seconds: float = Field(default=30.0, gt=0, le=3600.0)  # the SLA alarm's pass
    # After a create got no answer (timeout), how long to let the provider finish it before
    # looking it up: a lookup that runs first would miss it and send it a second time.
    outbox_reconcile_settle_seconds: float = Field(default=30.0, ge=0.0, le=3600.0)
    # A message the provider took and whose final status callback has not come this long
    # after is looked up at the provider (then after twice as long, ... up to 6 h, for 3 days):
    # Twilio sends each callback once, and one that came while the app was down is lost.
    status_check_seconds: float = Field(default=600.0, ge=0.0, le=24 * 3600.0)
    # A message undelivered for a passing reason (30003 unreachable, ...: the error playbook's
    # RETRY_LATER) is sent once more by itself this long after.
    auto_retry_seconds: float = Field(default=900.0, ge=0.0, le=7 * 24 * 3600.0)

    # The HTTP edge (web/body_guard.py). A webhook is a few KB (1,600 characters of Body at
    # most): a larger body is refused before it is read.
    webhook_max_bytes: int = Field(default=64 * 1024, ge=1024, le=16 * 1024 * 1024)
    # Every request body must arrive within this, plus what its size needs at the rate below
    # (a 5 MB upload over a slow phone link still fits; a byte every few seconds does not).
    body_timeout_seconds: float = Field(default=10.0, gt=0, le=600)
    body_min_bytes_per_second: int = Field(default=8 * 1024, ge=1)
    # Requests per worker process whose body is still arriving after a second; the next one
    # is answered 503 at once, so slow clients never hold more of the server's connections.
    slow_body_readers: int = Field(default=32, ge=1, le=512)

    # The bearer token a Prometheus scraper sends to GET /metrics; unset, /metrics is off.
    metrics_token: str | None = None

    # Every line of every process: a UTC timestamp, the level, the logger (ops/logs.py).
    log_level: str = Field(default="info", pattern="^(?i:debug|info|warning|error)$")
    log_format: str = Field(default="text", pattern="^(?i:text|json)$")

    # The settings file every command and worker reads (see env_file); named here only so a
    # wrong path is refused rather than silently read as no settings at all.
    env_file: Path | None = None

    # Explicit opt-ins; unset means "only in development" (see deployment_problems).
    demo_data: bool | None = None
    simulator: bool | None = None
    allow_insecure_public_url: bool = False

    @field_validator("log_level", "log_format")
    @classmethod
    def _lowercase(cls, value: str) -> str:
        return value.lower()

    @field_validator("media_hosts")
    @classmethod
    def _media_hosts_are_origins(cls, value: str) -> str:
        try:
            parse_origins(value)
        except ValueError as problem:
            raise ValueError(f"AW_MEDIA_HOSTS: {problem}") from None
        return value

    @field_validator("env_file")
    @classmethod
    def _env_file_is_readable(cls, value: Path | None) -> Path | None:
        if value is not None and not os.access(value, os.R_OK):
            raise ValueError(f"cannot read {value}")
        return value

    @model_validator(mode="after")
    def _refuse_unsafe_deployment(self) -> Settings:
        problems = deployment_problems(self)
        if problems:
            raise ValueError("\n".join(problems))
        return self

    @property
    def loads_demo_data(self) -> bool:
        """Demo users have published passwords: outside development only when asked for, and
        never in production (refused by deployment_problems)."""
        return self.environment == "development" if self.demo_data is None else self.demo_data

    @property
    def uses_simulator(self) -> bool:
        """No Twilio credentials means the built-in simulator stands in for Twilio."""
        return not (self.twilio_account_sid and self.twilio_auth_token)

    @property
    def public_over_https(self) -> bool:
        """Browsers reach the workspace over https (so it may ask them never to use http)."""
        return urlsplit(self.public_base_url).scheme == "https"

    @property
    def simulator_url(self) -> str:
        return f"http://127.0.0.1:{self.simulator_port}"

    def provider_account(self) -> ProviderAccount:
        """Real Twilio when credentials are set, else the built-in simulator on loopback."""
        if self.twilio_account_sid and self.twilio_auth_token:
            return ProviderAccount(
                self.twilio_account_sid, self.twilio_auth_token, self.twilio_api_base_url
            )
        token = hmac.new(self.secret_key.encode(), b"simulator", hashlib.sha256).hexdigest()[:32]
        return ProviderAccount(SIMULATOR_ACCOUNT_SID, token, self.simulator_url)

    def provider_media_hosts(self) -> tuple[str, ...]:
        """Hosts besides the provider's API that inbound media may be fetched from."""
        if self.uses_simulator:
            return ()
        return tuple(h.strip() for h in self.media_hosts.split(",") if h.strip())


def deployment_problems(settings: Settings) -> list[str]:
    """What stops these settings from being a safe deployment, one line each with what to set,
    every one at once: an operator fixes them in one go, not one restart per problem.

    Every process (the CLI, the Reflex app, migrations) builds Settings, so a refusal here
    stops all of them: no path runs a production workspace on the simulator by accident.
    """
    problems = _secret_problems(settings)
    provider = _provider_problem(settings)
    if provider:
        problems.append(provider)
    if settings.environment == "production" and settings.demo_data:
        problems.append(
            "AW_DEMO_DATA=true in production: the demo users' passwords are published; "
            "unset it (demo data is for development, or a trial with AW_ENVIRONMENT=test)"
        )
    if settings.environment != "development" and not settings.allow_insecure_public_url:
        url = _public_url_problem(settings.public_base_url)
        if url:
            problems.append(
                f"AW_PUBLIC_BASE_URL {settings.public_base_url!r} is {url} in "
                f"{settings.environment}: set it to the https address Twilio reaches this "
                "workspace at, or AW_ALLOW_INSECURE_PUBLIC_URL=true for a trial on this machine"
            )
    return problems


def _secret_problems(settings: Settings) -> list[str]:
    environment = settings.environment
    problems = []
    if environment != "development":
        if settings.secret_key in PLACEHOLDER_SECRETS:
            problems.append(f"AW_SECRET_KEY must be set to a real secret in {environment}")
        elif len(settings.secret_key) < 32:
            problems.append(f"AW_SECRET_KEY must be at least 32 characters in {environment}")
    if environment != "development" and settings.metrics_token and len(settings.metrics_token) < 32:
        problems.append(f"AW_METRICS_TOKEN must be at least 32 characters in {environment}")
    if environment == "production" and settings.bcrypt_rounds < 12:
        problems.append("AW_BCRYPT_ROUNDS below 12 is for tests only: unset it in production")
    return problems


def _provider_problem(settings: Settings) -> str | None:
    sid, token = settings.twilio_account_sid, settings.twilio_auth_token
    if bool(sid) != bool(token):
        missing, present = (
            ("AW_TWILIO_AUTH_TOKEN", "AW_TWILIO_ACCOUNT_SID")
            if sid
            else ("AW_TWILIO_ACCOUNT_SID", "AW_TWILIO_AUTH_TOKEN")
        )
        return (
            f"{missing} is not set but {present} is: set both to use Twilio, "
            "or neither for the built-in simulator"
        )
    if settings.environment != "development" and sid and not TWILIO_ACCOUNT_SID.fullmatch(sid):
        return (
            "AW_TWILIO_ACCOUNT_SID is not a Twilio Account SID (AC and 32 hex digits): copy it "
            "and the auth token from the Twilio console, Account info"
        )
    allowed = (
        settings.environment == "development" if settings.simulator is None else settings.simulator
    )
    if settings.uses_simulator and not allowed:
        return (
            f"No Twilio credentials in {settings.environment}: set AW_TWILIO_ACCOUNT_SID and "
            "AW_TWILIO_AUTH_TOKEN, or AW_SIMULATOR=true to run on the built-in simulator"
        )
    return None


def _public_url_problem(url: str) -> str | None:
    """Twilio posts webhooks and fetches media at this URL: it must be https on a real host.

    The host is parsed as resolvers read it (`127.1`, `[::ffff:7f00:1]` are loopback too)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return "not a URL"
    if parts.scheme != "https":
        return "not an https URL"
    if not normalise_host(host):
        return "missing its host"
    try:
        local = is_local_host(host)
    except ValueError:
        return "not a valid host"
    return "a loopback address" if local else None


def env_file() -> Path | None:
    """The settings file: the one AW_ENV_FILE names (a service and its CLI share it), else
    `.env` in the working directory when there is one. Absolute, so the processes `serve`
    starts elsewhere read the same file."""
    named = os.environ.get("AW_ENV_FILE")
    if named:
        return Path(named).absolute()
    local = Path(".env")
    return local.absolute() if local.is_file() else None


@functools.cache
def get_settings() -> Settings:
    """The process-wide settings; tests clear the cache after changing the environment."""
    return Settings(_env_file=env_file())
