"""Contract test: the simulator against Twilio's own OpenAPI description of the Messages API.

The description ships in the npm package `@twilio-alpha/mcp` (pinned in scripts/bootstrap.sh,
installed into .tools/contract by ./scripts/test). It has request and response schemas for the
message resource, but no error schemas, so error bodies are not checked here.
"""

from __future__ import annotations

import ast
import copy
import json
import re
from collections.abc import Iterator, Mapping
from email.utils import parsedate_to_datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
import pytest
from jsonschema import Draft202012Validator, FormatChecker

from agent_workspace.sms import OutboundSms, TwilioGateway
from agent_workspace.sms.simulator import MAGIC_NUMBERS, SimulatorServer
from tests.integration.sms.conftest import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    PHONE,
    PROVIDER,
    WebhookReceiver,
    sim_messages,
)
from tests.support.waiting import wait_until

ROOT = Path(__file__).resolve().parents[3]
SPEC_PATH = (
    ROOT
    / ".tools/contract/node_modules/@twilio-alpha/mcp/twilio-oai/spec/json/twilio_api_v2010.json"
)
SIMULATOR_DIR = ROOT / "agent_workspace/sms/simulator"

MESSAGES = "/2010-04-01/Accounts/{AccountSid}/Messages.json"
MESSAGE = "/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json"
MEDIA_LIST = "/2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}/Media.json"
MEDIA = "/2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}/Media/{Sid}.json"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

# The create parameters the simulator reads and the app (TwilioGateway) may send.
CREATE_FIELDS = {"To", "From", "Body", "MediaUrl", "StatusCallback", "MessagingServiceSid"}
SERVICE_SID = "MG" + "a" * 32
API = f"/2010-04-01/Accounts/{ACCOUNT_SID}"
AUTH = (ACCOUNT_SID, AUTH_TOKEN)


# The spec: loading, $ref resolution, OpenAPI 3.0 -> JSON Schema 2020-12


@cache
def _spec() -> dict[str, Any]:
    if not SPEC_PATH.is_file():
        pytest.fail(
            f"Twilio's OpenAPI description is missing ({SPEC_PATH.relative_to(ROOT)}): run "
            "./scripts/test, which installs the npm package @twilio-alpha/mcp@0.7.0 into "
            ".tools/contract.",
            pytrace=False,
        )
    spec: dict[str, Any] = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    return spec


def _pointer(spec: Mapping[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), f"only local $refs are expected, got {ref}"
    node: Any = spec
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _to_json_schema(node: Any, spec: Mapping[str, Any], seen: tuple[str, ...] = ()) -> Any:
    """Inline local $refs and translate OpenAPI 3.0's `nullable` and `x-twilio.ignoreFormat`."""
    if isinstance(node, list):
        return [_to_json_schema(item, spec, seen) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        ref = node["$ref"]
        assert ref not in seen, f"recursive $ref {ref}"
        target = _to_json_schema(copy.deepcopy(_pointer(spec, ref)), spec, (*seen, ref))
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        return {**target, **_to_json_schema(siblings, spec, seen)} if siblings else target
    out = {key: _to_json_schema(value, spec, seen) for key, value in node.items()}
    if out.pop("nullable", False):
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    if (out.get("x-twilio") or {}).get("ignoreFormat"):
        out.pop("format", None)
    return out


def _schema(path: str, method: str, *, status: str | None = None) -> dict[str, Any]:
    spec = _spec()
    operation = spec["paths"][path][method]
    if status is None:
        media = operation["requestBody"]["content"][FORM]
    else:
        media = operation["responses"][status]["content"][JSON]
    schema: dict[str, Any] = _to_json_schema(media["schema"], spec)
    return schema


# Formats: Twilio's own ones, checked strictly; anything else in the spec is ignored.
FORMATS = FormatChecker(formats=())
RFC2822_GMT = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0000$"
)
# E.164, a short code, an alphanumeric sender ID or a channel address (whatsapp:+1...).
PHONE_NUMBER = re.compile(r"^(\+[1-9]\d{6,14}|\d{3,8}|[A-Za-z0-9 ]{1,11}|[a-z]+:\S+)$")


def _is_rfc2822(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not RFC2822_GMT.match(value):
        return False
    try:
        parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return False
    return True


def _is_phone_number(value: object) -> bool:
    return not isinstance(value, str) or bool(PHONE_NUMBER.match(value))


def _is_uri(value: object) -> bool:
    """Absolute http(s) URLs, or paths relative to the API host (as Twilio's own examples)."""
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return (parts.scheme in ("http", "https") and bool(parts.netloc)) or value.startswith("/")


def _is_uri_map(value: object) -> bool:
    if not isinstance(value, dict):
        return True
    return all(isinstance(v, str) and v.startswith("/") for v in value.values())


def _is_currency(value: object) -> bool:
    return not isinstance(value, str) or bool(re.fullmatch(r"[A-Za-z]{3}", value))


for _name, _check in {
    "date-time-rfc-2822": _is_rfc2822,
    "phone-number": _is_phone_number,
    "uri": _is_uri,
    "uri-map": _is_uri_map,
    "currency": _is_currency,
}.items():
    FORMATS.checks(_name)(_check)


def _assert_valid(schema: Mapping[str, Any], instance: object, what: str) -> None:
    validator = Draft202012Validator(schema, format_checker=FORMATS)
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    problems = [f"  {'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors]
    assert not problems, f"{what} does not match Twilio's schema:\n" + "\n".join(problems)


def _form_as_object(
    params: Mapping[str, list[str]], request_schema: Mapping[str, Any]
) -> dict[str, Any]:
    """A decoded form, read like OpenAPI's form encoding: arrays repeat, the rest appear once."""
    properties = request_schema["properties"]
    decoded: dict[str, Any] = {}
    for key, values in params.items():
        if properties.get(key, {}).get("type") == "array":
            decoded[key] = list(values)
        else:
            assert len(values) == 1, f"{key} repeated in a create, but it is not an array"
            decoded[key] = values[0]
    return decoded


# What the simulator's source can accept and emit (read from its code, not hard-coded here)


def _simulator_trees(*names: str) -> Iterator[ast.AST]:
    """The simulator's modules (all, or the named ones), parsed."""
    paths = [SIMULATOR_DIR / name for name in names] or sorted(SIMULATOR_DIR.glob("*.py"))
    for path in paths:
        yield ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _literal(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _call_name(call: ast.Call) -> str:
    """`f` for `f(...)`, `owner.f` for `owner.f(...)`, `.f` for `a.b.f(...)`."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        owner = func.value.id if isinstance(func.value, ast.Name) else ""
        return f"{owner}.{func.attr}"
    return ""


def _source_create_fields() -> set[str]:
    """Form fields the simulator reads: `params.get("X")`, `first("X")`, `_first(params, "X")`."""
    found: set[str] = set()
    for tree in _simulator_trees("api.py", "core.py", "magic.py"):  # the create path
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            name = _call_name(call)
            if name == "params.get" or name == "first":
                arg = call.args[0] if call.args else None
            elif name == "_first":
                arg = call.args[1] if len(call.args) > 1 else None
            else:
                continue
            if (value := _literal(arg)) is not None:
                found.add(value)
    return found


def _source_values(keyword: str) -> set[str]:
    """Literal `status`/`direction` values the simulator's code stores on a message."""
    found: set[str] = set()
    for tree in _simulator_trees():
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            name = _call_name(call)
            for kw in call.keywords:
                if kw.arg == keyword and name == "SimMessage":
                    found |= {v} if (v := _literal(kw.value)) else set()
            if keyword == "status":
                # _advance(sim, sid, "sent") and store.set_status(sid, "sent")
                position = {"_advance": 2, "set_status": 1}.get(name.rsplit(".", 1)[-1])
                if position is not None and len(call.args) > position:
                    found |= {v} if (v := _literal(call.args[position])) else set()
    if keyword == "status":
        found |= {m.final_status for m in MAGIC_NUMBERS.values() if m.final_status}
    return found


# Helpers talking to the running simulator


def _create(simulator: SimulatorServer, form: list[tuple[str, str]]) -> httpx.Response:
    """POST a create with the pairs as given (repeated fields stay repeated)."""
    return httpx.post(
        f"{simulator.url}{API}/Messages.json",
        content=urlencode(form).encode(),
        headers={"Content-Type": FORM},
        auth=AUTH,
    )


def _wait_final(simulator: SimulatorServer, sids: set[str], timeout: float = 4.0) -> None:
    final = {"delivered", "undelivered", "failed", "received"}

    def settled() -> bool:
        statuses = {str(m["sid"]): m["status"] for m in sim_messages(simulator)}
        return all(statuses.get(sid) in final for sid in sids)

    wait_until(settled, timeout=timeout, what=f"a final status for each of {sorted(sids)}")


# The tests


def test_the_spec_describes_the_simulated_routes() -> None:
    paths = _spec()["paths"]
    assert {"post", "get"} <= set(paths[MESSAGES]), "create and list of Messages"
    assert "get" in paths[MESSAGE], "fetch of one Message"
    assert "get" in paths[MEDIA_LIST] and "get" in paths[MEDIA]
    assert "201" in paths[MESSAGES]["post"]["responses"]
    list_parameters = {p["name"] for p in paths[MESSAGES]["get"]["parameters"]}
    # The list filters the simulator implements (README) are Twilio's query parameters.
    assert {"To", "From", "DateSent", "DateSent>", "DateSent<", "PageSize", "Page"} <= (
        list_parameters
    )


def test_the_spec_examples_pass_the_translated_schemas() -> None:
    """Guards the nullable translation and format checks: Twilio's own examples must pass."""
    spec = _spec()
    for path, method, status in [
        (MESSAGES, "post", "201"),
        (MESSAGES, "get", "200"),
        (MESSAGE, "get", "200"),
    ]:
        content = spec["paths"][path][method]["responses"][status]["content"][JSON]
        schema = _schema(path, method, status=status)
        assert content["examples"], f"{method} {path} has no examples"
        for name, example in content["examples"].items():
            _assert_valid(schema, example["value"], f"Twilio's example {name}")


def test_create_fields_are_in_the_spec_and_media_url_repeats(
    simulator: SimulatorServer, gateway: TwilioGateway, receiver: WebhookReceiver
) -> None:
    spec = _spec()
    request = spec["paths"][MESSAGES]["post"]["requestBody"]["content"]
    assert FORM in request, "CreateMessage takes a form-encoded body"
    schema = _schema(MESSAGES, "post")
    properties = schema["properties"]

    accepted = _source_create_fields()
    assert accepted >= CREATE_FIELDS, f"the source scan misses fields: {CREATE_FIELDS - accepted}"
    assert not accepted - set(properties), f"not Twilio fields: {accepted - set(properties)}"

    # MediaUrl is an array sent as a repeated field: OpenAPI's form encoding defaults to
    # style=form, explode=true for application/x-www-form-urlencoded.
    assert properties["MediaUrl"]["type"] == "array"
    encoding = request[FORM].get("encoding", {}).get("MediaUrl", {})
    assert encoding.get("style", "form") == "form" and encoding.get("explode", True) is True

    # What the app really sends (through the twilio SDK), as the simulator parsed it.
    media = [f"{receiver.url}/media/ok.png", f"{receiver.url}/media/ok.png?second=1"]
    sent = gateway.send(
        OutboundSms(
            to=PHONE,
            from_=PROVIDER,
            body="contract",
            media_urls=tuple(media),
            status_callback=f"{receiver.url}/status",
        )
    )
    stored = next(m for m in sim_messages(simulator) if m["sid"] == sent.sid)
    params: dict[str, list[str]] = stored["request_params"]  # type: ignore[assignment]
    assert set(params) <= set(properties), f"app sends non-Twilio fields: {set(params)}"
    assert params["MediaUrl"] == media, "MediaUrl must arrive as one repeated field"
    assert stored["media_urls"] == media
    _assert_valid(schema, _form_as_object(params, schema), "the app's create request")

    # A create with a messaging service instead of From, raw over HTTP.
    _with_service(simulator)
    response = _create(
        simulator,
        [("To", PHONE), ("MessagingServiceSid", SERVICE_SID), ("Body", "via service")],
    )
    assert response.status_code == 201, response.text
    stored = next(m for m in sim_messages(simulator) if m["sid"] == response.json()["sid"])
    params = stored["request_params"]  # type: ignore[assignment]
    _assert_valid(schema, _form_as_object(params, schema), "a messaging-service create")


def _with_service(simulator: SimulatorServer) -> None:
    """The account has SERVICE_SID, its pool the provider number (Twilio refuses a service the
    account does not have, 21701, and one with no senders, 21704)."""
    httpx.post(
        f"{simulator.url}/_sim/settings",
        json={"messaging_services": [SERVICE_SID], "provider_numbers": [PROVIDER]},
        timeout=5,
    ).raise_for_status()


def test_response_bodies_match_the_spec(
    simulator: SimulatorServer, receiver: WebhookReceiver
) -> None:
    created_schema = _schema(MESSAGES, "post", status="201")
    fetch_schema = _schema(MESSAGE, "get", status="200")
    list_schema = _schema(MESSAGES, "get", status="200")
    media_list_schema = _schema(MEDIA_LIST, "get", status="200")
    media_schema = _schema(MEDIA, "get", status="200")

    creates = {
        "create (SMS)": [("To", PHONE), ("From", PROVIDER), ("Body", "hello")],
        "create (MMS)": [
            ("To", PHONE),
            ("From", PROVIDER),
            ("Body", "with pictures"),
            ("MediaUrl", f"{receiver.url}/media/ok.png"),
            ("MediaUrl", f"{receiver.url}/media/ok.png?2"),
            ("StatusCallback", f"{receiver.url}/status"),
        ],
        "create (messaging service)": [
            ("To", PHONE),
            ("MessagingServiceSid", SERVICE_SID),
            ("Body", "via service"),
        ],
        "create (undelivered)": [("To", "+12015550133"), ("From", PROVIDER), ("Body", "x")],
    }
    sids: set[str] = set()
    _with_service(simulator)
    for what, form in creates.items():
        response = _create(simulator, form)
        assert response.status_code == 201, f"{what}: {response.text}"
        _assert_valid(created_schema, response.json(), f"the {what} 201 body")
        sids.add(response.json()["sid"])
    inbound = httpx.post(
        f"{simulator.url}/_sim/inbound",
        json={
            "from": PHONE,
            "to": PROVIDER,
            "body": "a reply",
            "media": [{"content_type": "image/png", "data_base64": "iVBORw0KGgo="}],
        },
    )
    inbound.raise_for_status()
    sids.add(inbound.json()["sid"])
    _wait_final(simulator, sids)

    media_checked = 0
    for sid in sids:  # after delivery: date_sent, error_code, media are set
        response = httpx.get(f"{simulator.url}{API}/Messages/{sid}.json", auth=AUTH)
        assert response.status_code == 200, response.text
        _assert_valid(fetch_schema, response.json(), f"the fetch body of {sid}")
        media = httpx.get(f"{simulator.url}{API}/Messages/{sid}/Media.json", auth=AUTH)
        assert media.status_code == 200, media.text
        _assert_valid(media_list_schema, media.json(), f"the media list of {sid}")
        for item in media.json()["media_list"]:
            one = httpx.get(f"{simulator.url}{item['uri']}", auth=AUTH)
            _assert_valid(media_schema, one.json(), f"media {item['sid']}")
            media_checked += 1
    assert media_checked == 3, "two outbound pictures and one inbound picture"

    # Every page of the list, two at a time, newest first.
    listed: list[dict[str, Any]] = []
    next_uri: str | None = f"{API}/Messages.json?PageSize=2"
    while next_uri:
        response = httpx.get(f"{simulator.url}{next_uri}", auth=AUTH)
        assert response.status_code == 200, response.text
        page = response.json()
        _assert_valid(list_schema, page, f"the list page {next_uri}")
        listed += page["messages"]
        next_uri = page["next_page_uri"]
    assert {item["sid"] for item in listed} == sids
    for item in listed:
        _assert_valid(fetch_schema, item, f"list item {item['sid']}")


def test_statuses_and_directions_are_twilio_values(
    simulator: SimulatorServer, receiver: WebhookReceiver
) -> None:
    spec = _spec()
    message = spec["components"]["schemas"]["api.v2010.account.message"]["properties"]
    status_enum = set(_pointer(spec, message["status"]["$ref"])["enum"])
    direction_enum = set(_pointer(spec, message["direction"]["$ref"])["enum"])

    statuses, directions = _source_values("status"), _source_values("direction")
    assert statuses >= {"queued", "sending", "sent", "delivered", "received"}, statuses
    assert directions >= {"outbound-api", "inbound"}, directions
    assert not statuses - status_enum, f"statuses Twilio never sends: {statuses - status_enum}"
    assert not directions - direction_enum, f"not Twilio directions: {directions - direction_enum}"

    # Drive every path and check that what really happens was seen by the source scan.
    sids = set()
    for to, media in [
        (PHONE, None),
        ("+12015550133", None),  # undelivered
        ("+12015550138", None),  # failed
        (PHONE, f"{receiver.url}/media/missing.png"),  # failed, 11200
    ]:
        form = [("To", to), ("From", PROVIDER), ("Body", "status walk")]
        if media:
            form.append(("MediaUrl", media))
        response = _create(simulator, form)
        assert response.status_code == 201, response.text
        sids.add(response.json()["sid"])
    httpx.post(
        f"{simulator.url}/_sim/inbound", json={"from": PHONE, "to": PROVIDER, "body": "hi"}
    ).raise_for_status()
    _wait_final(simulator, sids)
    seen_statuses: set[str] = set()
    seen_directions: set[str] = set()
    for item in sim_messages(simulator):
        history = item["status_history"]
        assert isinstance(history, list)
        seen_statuses |= {str(status) for status in history}
        seen_directions.add(str(item["direction"]))
    assert seen_statuses >= {"queued", "sending", "sent", "delivered", "undelivered", "failed"}
    assert seen_statuses <= statuses, f"the source scan missed {seen_statuses - statuses}"
    assert seen_directions <= directions, f"the source scan missed {seen_directions - directions}"
