"""The provider's media hosts as origins: a bare host is https; anything else is spelt out."""

import pytest

from agent_workspace.domain.origins import Origin, origin_of, parse_origins


def test_a_bare_host_name_means_https_on_443() -> None:
    assert parse_origins("mms.twiliocdn.com") == frozenset(
        {Origin("https", "mms.twiliocdn.com", 443)}
    )


def test_an_origin_keeps_its_scheme_and_port() -> None:
    assert parse_origins(" http://127.0.0.1:8765 , API.Twilio.com ") == frozenset(
        {Origin("http", "127.0.0.1", 8765), Origin("https", "api.twilio.com", 443)}
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("ftp://files.example.com", "http or https"),
        ("https://mms.twiliocdn.com/media", "only a host"),
        ("https://user@mms.twiliocdn.com", "only a host"),
        ("https://mms.twiliocdn.com?x=1", "only a host"),
        ("mms twiliocdn com", "not a host name"),
        ("https://", "not a host name"),
        ("https://example.com:99999", "port"),
    ],
)
def test_anything_but_an_origin_is_refused_by_name(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem) as caught:
        parse_origins(text)
    assert repr(text.strip()) in str(caught.value)


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://mms.twiliocdn.com/a/b?c", Origin("https", "mms.twiliocdn.com", 443)),
        ("HTTPS://MMS.twiliocdn.com:443/x", Origin("https", "mms.twiliocdn.com", 443)),
        ("http://127.0.0.1:8765/media/x", Origin("http", "127.0.0.1", 8765)),
        ("http://example.com/x", Origin("http", "example.com", 80)),
        ("https://user:pw@evil.example/x", Origin("https", "evil.example", 443)),
        ("ftp://example.com/x", None),
        ("/relative/path", None),
        ("https://example.com:bad/x", None),
        ("https://[::1", None),
    ],
)
def test_the_origin_of_a_url(url: str, origin: Origin | None) -> None:
    assert origin_of(url) == origin


def test_an_origin_reads_as_a_url_prefix() -> None:
    assert str(Origin("https", "mms.twiliocdn.com", 443)) == "https://mms.twiliocdn.com"
    assert str(Origin("http", "127.0.0.1", 8765)) == "http://127.0.0.1:8765"
