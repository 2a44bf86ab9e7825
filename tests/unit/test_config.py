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


def test_media_downloads_default_to_twilios_api_and_media_cdn() -> None:
    settings = Settings(twilio_account_sid="AC" + "1" * 32, twilio_auth_token="t" * 32)
    assert settings.provider_media_hosts() == ("api.twilio.com", "mms.twiliocdn.com")


def test_media_hosts_can_be_configured() -> None:
    settings = Settings(
        twilio_account_sid="AC" + "1" * 32,
        twilio_auth_token="t" * 32,
        media_hosts="mms.twiliocdn.com, s3-external-1.amazonaws.com",
    )
    assert settings.provider_media_hosts() == ("mms.twiliocdn.com", "s3-external-1.amazonaws.com")


def test_in_simulator_mode_media_comes_only_from_the_simulator() -> None:
    """The simulator's API and its media URLs share its one loopback origin."""
    assert Settings(media_hosts="mms.twiliocdn.com").provider_media_hosts() == ()


def test_a_media_host_that_is_not_an_origin_is_refused_by_name() -> None:
    with pytest.raises(ValidationError, match=r"AW_MEDIA_HOSTS: 'mms.twiliocdn.com/media'"):
        Settings(media_hosts="api.twilio.com,mms.twiliocdn.com/media")
