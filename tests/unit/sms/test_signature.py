"""X-Twilio-Signature computation and validation."""

from __future__ import annotations

from starlette.datastructures import FormData, UploadFile

from agent_workspace.sms import compute_signature, validate_signature

TOKEN = "12345"
URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+14158675309",
    "Digits": "1234",
    "From": "+14158675309",
    "To": "+18005551212",
}
# The vector of twilio-python's own RequestValidator tests.
EXPECTED = "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def test_known_vector() -> None:
    assert compute_signature(TOKEN, URL, PARAMS) == EXPECTED
    assert validate_signature(TOKEN, URL, PARAMS, EXPECTED)


def test_url_with_explicit_default_port_still_validates() -> None:
    assert validate_signature(TOKEN, URL.replace(".com/", ".com:443/"), PARAMS, EXPECTED)


def test_tampered_param_fails() -> None:
    assert not validate_signature(TOKEN, URL, {**PARAMS, "Digits": "9999"}, EXPECTED)
    assert not validate_signature(TOKEN, URL, {**PARAMS, "Extra": "1"}, EXPECTED)


def test_wrong_url_fails() -> None:
    assert not validate_signature(TOKEN, "https://mycompany.com/myapp.php", PARAMS, EXPECTED)
    assert not validate_signature(TOKEN, URL.replace("https", "http"), PARAMS, EXPECTED)


def test_missing_or_wrong_signature_fails() -> None:
    assert not validate_signature(TOKEN, URL, PARAMS, None)
    assert not validate_signature(TOKEN, URL, PARAMS, "")
    assert not validate_signature("other", URL, PARAMS, EXPECTED)


def test_repeated_keys_count_every_value_in_any_input_shape() -> None:
    url = "https://example.com/sms/inbound"
    as_dict = {"Body": "hi", "MediaUrl": ["https://a/1", "https://a/2"]}
    as_pairs: list[tuple[str, str | UploadFile]] = [
        ("MediaUrl", "https://a/2"),
        ("Body", "hi"),
        ("MediaUrl", "https://a/1"),
    ]
    as_form = FormData(as_pairs)
    signature = compute_signature(TOKEN, url, as_dict)
    assert compute_signature(TOKEN, url, [(k, str(v)) for k, v in as_pairs]) == signature
    assert validate_signature(TOKEN, url, as_form, signature)
    assert not validate_signature(
        TOKEN, url, {"Body": "hi", "MediaUrl": ["https://a/1"]}, signature
    )
