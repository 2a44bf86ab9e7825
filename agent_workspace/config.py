"""One settings object for the whole workspace, read from the environment and `.env`."""

from __future__ import annotations

import functools
import hashlib
import hmac
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "dev-secret-change-me"})
DEV_SECRET = "dev-secret-change-me"  # noqa: S105 (refused outside development)


SIMULATOR_ACCOUNT_SID = "AC" + "5" * 32


@dataclass(frozen=True)
class ProviderAccount:
    """Where and as whom the app talks to the SMS provider."""

    account_sid: str
    auth_token: str
    api_base_url: str
    is_simulator: bool


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
    bcrypt_rounds: int = Field(default=12, ge=4, le=16)

    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_api_base_url: str = "https://api.twilio.com"
    simulator_port: int = 8765

    default_region: str = Field(default="US", min_length=2, max_length=2)
    attachment_types: str = "image/jpeg,image/png,image/gif"
    attachment_max_bytes: int = Field(default=5 * 1024 * 1024, gt=0)
    attachment_max_files: int = Field(default=10, ge=1, le=10)
    storage_dir: Path = PROJECT_ROOT / "data" / "files"
    media_url_ttl_seconds: int = Field(default=3600, ge=60)

    profile_resolver: str = "default"
    outbox_poll_seconds: float = Field(default=1.0, gt=0)
    # How long a dispatcher holds a claimed message; each provider call ends well within it.
    outbox_lease_seconds: float = Field(default=60.0, ge=1.0, le=3600.0)
    # After a create got no answer (timeout), how long to let the provider finish it before
    # looking it up: a lookup that runs first would miss it and send it a second time.
    outbox_reconcile_settle_seconds: float = Field(default=30.0, ge=0.0, le=3600.0)

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Settings:
        if self.environment != "development" and self.secret_key in PLACEHOLDER_SECRETS:
            raise ValueError(f"AW_SECRET_KEY must be set to a real secret in {self.environment}")
        if self.environment == "production" and self.bcrypt_rounds < 12:
            raise ValueError("AW_BCRYPT_ROUNDS below 12 is for tests only")
        if self.environment != "development" and len(self.secret_key) < 32:
            raise ValueError(f"AW_SECRET_KEY must be at least 32 characters in {self.environment}")
        return self

    @property
    def uses_simulator(self) -> bool:
        """No Twilio credentials means the built-in simulator stands in for Twilio."""
        return not (self.twilio_account_sid and self.twilio_auth_token)

    @property
    def simulator_url(self) -> str:
        return f"http://127.0.0.1:{self.simulator_port}"

    def provider_account(self) -> ProviderAccount:
        """Real Twilio when credentials are set, else the built-in simulator on loopback."""
        if self.twilio_account_sid and self.twilio_auth_token:
            return ProviderAccount(
                self.twilio_account_sid, self.twilio_auth_token, self.twilio_api_base_url, False
            )
        token = hmac.new(self.secret_key.encode(), b"simulator", hashlib.sha256).hexdigest()[:32]
        return ProviderAccount(SIMULATOR_ACCOUNT_SID, token, self.simulator_url, True)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@functools.cache
def get_settings() -> Settings:
    """The process-wide settings; tests clear the cache after changing the environment."""
    return Settings()
