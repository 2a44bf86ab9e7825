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
    assert settings.database_url.startswith("sqlite")
    assert settings.uses_simulator


def test_without_twilio_credentials_the_simulator_is_the_provider() -> None:
    account = Settings(secret_key=REAL_SECRET, simulator_port=9001).provider_account()
    assert account.account_sid == SIMULATOR_ACCOUNT_SID
    assert account.api_base_url == "http://127.0.0.1:9001"
    assert len(account.auth_token) == 32


def test_with_twilio_credentials_the_app_talks_to_twilio() -> None:
    settings = Settings(twilio_account_sid="AC" + "1" * 32, twilio_auth_token="t" * 32)
    account = settings.provider_account()
    assert account.account_sid != SIMULATOR_ACCOUNT_SID
    assert account.api_base_url == "https://api.twilio.com"
    assert account.auth_token == "t" * 32


def test_region_must_be_two_letters() -> None:
    with pytest.raises(ValidationError):
        Settings(default_region="USA")


# Outside development nothing demo-like happens unless asked for (Trust issue item 12).
TWILIO = {"twilio_account_sid": "AC" + "1" * 32, "twilio_auth_token": "t" * 32}
PUBLIC = "https://workspace.example.com"


def _deployed(environment: str = "production", /, **overrides: object) -> Settings:
    """Settings as a real deployment gives them, with none of the test suite's opt-ins."""
    values: dict[str, object] = {
        "environment": environment,
        "secret_key": REAL_SECRET,
        "bcrypt_rounds": 12,
        "public_base_url": PUBLIC,
        "demo_data": None,
        "simulator": None,
        "allow_insecure_public_url": False,
        **TWILIO,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def test_a_real_deployment_with_twilio_and_an_https_url_is_accepted() -> None:
    settings = _deployed()
    assert not settings.uses_simulator
    assert not settings.loads_demo_data


@pytest.mark.parametrize("environment", ["production", "test"])
def test_outside_development_demo_data_is_loaded_only_when_asked_for(environment: str) -> None:
    assert not _deployed(environment).loads_demo_data
    assert _deployed("test", demo_data=True).loads_demo_data


def test_production_refuses_the_demo_data_whose_passwords_are_published() -> None:
    with pytest.raises(ValidationError, match="AW_DEMO_DATA=true") as refusal:
        _deployed("production", demo_data=True)
    assert "published" in str(refusal.value)
    assert not _deployed("production", demo_data=False).loads_demo_data


def test_in_development_demo_data_is_loaded_unless_switched_off() -> None:
    assert Settings(environment="development", demo_data=None).loads_demo_data
    assert not Settings(environment="development", demo_data=False).loads_demo_data


@pytest.mark.parametrize("environment", ["production", "test"])
def test_outside_development_the_simulator_is_refused_unless_asked_for(environment: str) -> None:
    no_twilio = {"twilio_account_sid": None, "twilio_auth_token": None}
    with pytest.raises(ValidationError, match="AW_SIMULATOR=true") as refusal:
        _deployed(environment, **no_twilio)
    assert "AW_TWILIO_ACCOUNT_SID and AW_TWILIO_AUTH_TOKEN" in str(refusal.value)
    assert _deployed(environment, simulator=True, **no_twilio).uses_simulator


def test_in_development_the_simulator_stands_in_unless_switched_off() -> None:
    assert Settings(environment="development", simulator=None).uses_simulator
    with pytest.raises(ValidationError, match="AW_TWILIO_ACCOUNT_SID and AW_TWILIO_AUTH_TOKEN"):
        Settings(environment="development", simulator=False)


@pytest.mark.parametrize("environment", ["production", "test"])
@pytest.mark.parametrize("sid", ["ACyour-account-sid", "AC" + "1" * 31, "SK" + "1" * 32])
def test_outside_development_an_account_sid_not_shaped_as_twilios_is_refused(
    environment: str, sid: str
) -> None:
    """The README's settings file says `AW_TWILIO_ACCOUNT_SID=ACyour-account-sid`: left as it
    is, the workspace started, and every text failed at Twilio."""
    with pytest.raises(ValidationError, match="AW_TWILIO_ACCOUNT_SID is not a Twilio Account SID"):
        _deployed(environment, twilio_account_sid=sid)


@pytest.mark.parametrize("environment", ["production", "development"])
@pytest.mark.parametrize("missing", ["twilio_account_sid", "twilio_auth_token"])
def test_half_the_twilio_credentials_is_refused_rather_than_silently_simulated(
    environment: str, missing: str
) -> None:
    with pytest.raises(ValidationError, match=f"AW_{missing.upper()} is not set"):
        _deployed(environment, simulator=True, **{missing: None})


@pytest.mark.parametrize("environment", ["production", "test"])
@pytest.mark.parametrize(
    "url",
    [
        "http://workspace.example.com",
        "https://127.0.0.1",
        "https://127.8.9.10:8443",
        "https://localhost:3000",
        "https://LocalHost./",
        "https://app.localhost",
        "https://[::1]:3000",
        "https://0.0.0.0",
        # Other spellings of the same addresses that resolvers and browsers accept.
        "https://127.1",
        "https://2130706433",
        "https://0x7f.1",
        "https://0177.0.0.1:8443",
        "https://127.000.000.001",
        "https://0x7F000001/",
        "https://[::ffff:7f00:1]",
        "https://[::ffff:127.0.0.1]:3000",
        "https://[0:0:0:0:0:0:0:1]",
        "https://[::]",
        "https://0",
        "https://%31%32%37.0.0.1",
        "https://localhost./",
        "https://127.0.0.1.",
        "https://1.2.3.4.5",
        "workspace.example.com",
        "https://",
    ],
)
def test_outside_development_a_loopback_or_plain_http_public_url_is_refused(
    environment: str, url: str
) -> None:
    with pytest.raises(ValidationError, match="AW_PUBLIC_BASE_URL") as refusal:
        _deployed(environment, public_base_url=url)
    assert "AW_ALLOW_INSECURE_PUBLIC_URL=true" in str(refusal.value)
    assert _deployed(environment, public_base_url=url, allow_insecure_public_url=True)


@pytest.mark.parametrize(
    "url", ["https://workspace.example.com", "https://10.0.0.5:8443/", "https://[2001:db8::1]"]
)
def test_https_public_urls_on_a_real_host_are_accepted(url: str) -> None:
    assert _deployed(public_base_url=url).public_base_url == url


def test_development_accepts_a_loopback_http_public_url() -> None:
    assert Settings(environment="development", public_base_url="http://127.0.0.1:3000")


def test_every_deployment_refusal_is_reported_at_once_one_per_line() -> None:
    with pytest.raises(ValidationError) as refusal:
        _deployed(
            public_base_url="http://127.0.0.1:3000", twilio_account_sid=None, twilio_auth_token=None
        )
    (error,) = refusal.value.errors()
    lines = str(error["msg"]).removeprefix("Value error, ").splitlines()
    assert len(lines) == 2
    assert "AW_SIMULATOR=true" in lines[0]
    assert "AW_PUBLIC_BASE_URL" in lines[1]


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
