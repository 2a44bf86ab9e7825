"""Settings refuse placeholder secrets outside development and pick the provider account."""

import pytest
from pydantic import ValidationError

from agent_workspace.config import SIMULATOR_ACCOUNT_SID, Settings

REAL_SECRET = "x" * 40


@pytest.mark.parametrize("environment", ["production", "test"])
@pytest.mark.parametrize("secret", ["", "changeme", "dev-secret-change-me", "short-secret"])
def test_outside_development_placeholder_or_short_secrets_are_refused(
    environment: str, secret: str
) -> None:
    with pytest.raises(ValidationError, match="AW_SECRET_KEY"):
        Settings(environment=environment, secret_key=secret, bcrypt_rounds=12)


def test_production_refuses_test_only_password_hashing() -> None:
    with pytest.raises(ValidationError, match="AW_BCRYPT_ROUNDS"):
        Settings(environment="production", secret_key=REAL_SECRET, bcrypt_rounds=4)


def test_development_runs_on_the_embedded_defaults() -> None:
    settings = Settings(environment="development", secret_key="dev-secret-change-me")
    assert settings.is_sqlite
    assert settings.uses_simulator


def test_without_twilio_credentials_the_simulator_is_the_provider() -> None:
    account = Settings(secret_key=REAL_SECRET, simulator_port=9001).provider_account()
    assert account.is_simulator
    assert account.account_sid == SIMULATOR_ACCOUNT_SID
    assert account.api_base_url == "http://127.0.0.1:9001"
    assert len(account.auth_token) == 32


def test_with_twilio_credentials_the_app_talks_to_twilio() -> None:
    settings = Settings(twilio_account_sid="AC" + "1" * 32, twilio_auth_token="t" * 32)
    account = settings.provider_account()
    assert not account.is_simulator
    assert account.api_base_url == "https://api.twilio.com"
    assert account.auth_token == "t" * 32


def test_region_must_be_two_letters() -> None:
    with pytest.raises(ValidationError):
        Settings(default_region="USA")
