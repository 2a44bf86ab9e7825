"""The browserless tab's protocol core (benchmarks/reflex_wire.py) says what the browser says."""

from __future__ import annotations

import json

from agent_workspace.state.session import SessionState
from benchmarks import reflex_wire as wire


def test_a_deep_link_to_an_interaction_carries_its_route_param() -> None:
    assert wire.router_data("/interactions/12") == {
        "pathname": "/interactions/12",
        "asPath": "/interactions/12",
        "query": {"interaction": "12"},
    }
    assert "query" not in wire.router_data("/")


def test_the_connect_packet_boots_with_hydrate_and_the_stored_sign_in() -> None:
    token_var = f"{SessionState.get_full_name()}.token{wire.field('')}"
    packet = wire.connect_packet(wire.hydrate_event("/", {token_var: "abc"}))
    assert packet.startswith("40/_event,")
    auth = json.loads(packet.removeprefix("40/_event,"))
    assert auth["event"]["name"] == "reflex___state____state.hydrate_and_load"
    assert auth["event"]["payload"] == {"vars": {token_var: "abc"}}
    assert auth["event"]["router_data"]["pathname"] == "/"


def test_a_navigation_sends_storage_then_the_pages_on_load() -> None:
    names = [e["name"] for e in wire.navigation_events("/interactions/1", {"k": "v"})]
    assert names[0].endswith("update_vars_internal")
    assert names[1].endswith("on_load_internal")
    assert [e["name"] for e in wire.navigation_events("/", {})] == names[1:]


def test_events_are_socket_io_event_packets() -> None:
    packet = wire.event_packet(wire.event("a.b", {"x": 1}, "/"))
    assert packet.startswith("42/_event,")
    name, body = json.loads(packet.removeprefix("42/_event,"))
    assert (name, body["name"], body["payload"]) == ("event", "a.b", {"x": 1})


def test_forms_are_encoded_as_the_frontend_encodes_them() -> None:
    assert wire.form_data({"username": "alice", "password": "pw"}) == {
        "__reflex_form_data__": [["username", "alice"], ["password", "pw"]]
    }


def test_frames_are_told_apart_and_updates_read() -> None:
    assert wire.classify("2").kind == "ping"
    assert wire.classify('0{"sid":"x"}').kind == "open"
    assert wire.classify('40/_event,{"sid":"y"}').kind == "connected"
    assert wire.classify('44/_event,{"message":"no"}').kind == "connect_error"
    update = {
        "delta": {SessionState.get_full_name(): {wire.field("token"): "t"}},
        "events": [
            {"name": "_redirect", "payload": {"path": "/", "external": False}},
            {"name": "_redirect", "payload": {"path": "https://elsewhere", "external": True}},
            {"name": "_call_script", "payload": {"javascript_code": "1"}},
        ],
    }
    frame = wire.classify("42/_event," + json.dumps(["event", update]))
    assert frame.kind == "event"
    read = frame.update()
    assert wire.var_value(read["delta"], SessionState, "token") == "t"
    assert wire.var_value(read["delta"], SessionState, "username") is None
    assert wire.redirects(read) == ["/"]
