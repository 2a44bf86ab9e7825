"""What a browser tab says on Reflex's websocket, as plain values (wsclient.py's core).

Reflex 0.10 speaks socket.io (Engine.IO v4, websocket transport) at `/_event/`; this mirrors the
frontend's `state.js` and the compiled `initialEvents`/`onLoadInternalEvent`:
- the socket opens with `?token=<tab uuid>&EIO=4&transport=websocket` and subprotocol = the Reflex
  version; the server's first frame is Engine.IO OPEN (`0{...}`);
- the socket.io CONNECT packet (`40/_event,{auth}`) carries the boot event `hydrate_and_load`
  (the browser's local-storage vars and the router data of the page), which the server answers
  with the state and then runs the page's on_load chain;
- a client-side navigation sends `update_vars_internal` (local storage again) and
  `on_load_internal` with the new page's router data;
- events go as `42/_event,["event", {...}]`, state updates come back the same way with `delta`
  (substate name -> {var + FIELD_MARKER: value}) and `events` (frontend events: `_redirect`,
  `_call_script`, ...);
- the server pings (`2`) and the client answers (`3`).
Names come from the app's state classes, so a renamed handler breaks here loudly, not silently.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from reflex.state import OnLoadInternalState, State, UpdateVarsInternalState
from reflex_base.constants import Reflex
from reflex_base.constants.state import FIELD_MARKER

NAMESPACE = "/_event"
SUBPROTOCOL = Reflex.VERSION
PING, PONG = "2", "3"
_EVENT_PREFIX = f"42{NAMESPACE},"
_CONNECTED_PREFIX = f"40{NAMESPACE},"
_CONNECT_ERROR_PREFIX = f"44{NAMESPACE},"
_DISCONNECT = f"41{NAMESPACE}"
_DYNAMIC_INTERACTION = re.compile(r"/interactions/(\d+)/?")


def state_name(cls: type[Any]) -> str:
    return str(cls.get_full_name())


def handler_name(cls: type[Any], handler: str) -> str:
    return f"{state_name(cls)}.{handler}"


def field(name: str) -> str:
    """A var's key in a delta (Reflex suffixes every backend var name with a marker)."""
    return f"{name}{FIELD_MARKER}"


def socket_path(token: str) -> str:
    return f"{NAMESPACE}/?token={token}&EIO=4&transport=websocket"


def router_data(path: str) -> dict[str, Any]:
    """What `withRouterData` adds to every event: the page path, and dynamic route params."""
    data: dict[str, Any] = {"pathname": path, "asPath": path}
    if match := _DYNAMIC_INTERACTION.fullmatch(path):
        data["query"] = {"interaction": match.group(1)}
    return data


def event(name: str, payload: dict[str, Any] | None, path: str) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name, "router_data": router_data(path)}
    if payload:
        body["payload"] = payload
    return body


def hydrate_event(path: str, storage: dict[str, str]) -> dict[str, Any]:
    """The boot event of a (re)connect: client storage, then state and the page's on_load."""
    payload = {"vars": storage} if storage else None
    return event(f"{state_name(State)}.hydrate_and_load", payload, path)


def navigation_events(path: str, storage: dict[str, str]) -> list[dict[str, Any]]:
    """What a link click (client-side navigation) sends: storage, then the page's on_load."""
    events = []
    if storage:
        events.append(
            event(
                handler_name(UpdateVarsInternalState, "update_vars_internal"),
                {"vars": storage},
                path,
            )
        )
    events.append(event(handler_name(OnLoadInternalState, "on_load_internal"), None, path))
    return events


def connect_packet(boot: dict[str, Any]) -> str:
    return f"{_CONNECTED_PREFIX}{json.dumps({'event': boot})}"


def event_packet(body: dict[str, Any]) -> str:
    return f"{_EVENT_PREFIX}{json.dumps(['event', body])}"


def form_data(fields: dict[str, str]) -> dict[str, Any]:
    """How the frontend encodes an `on_submit` form's fields (`encodeFormDataArgs`)."""
    return {"__reflex_form_data__": [[k, v] for k, v in fields.items()]}


@dataclass(frozen=True)
class Frame:
    """One server frame, classified; `raw` is kept so a text can be looked for without parsing."""

    kind: str  # "open", "ping", "connected", "connect_error", "disconnect", "event", "other"
    raw: str

    def update(self) -> dict[str, Any]:
        """The `{delta, events}` of an event frame."""
        name, body = json.loads(self.raw[len(_EVENT_PREFIX) :])
        if name != "event" or not isinstance(body, dict):
            return {}
        return body


def classify(raw: str) -> Frame:
    if raw == PING:
        return Frame("ping", raw)
    if raw.startswith(_EVENT_PREFIX):
        return Frame("event", raw)
    if raw.startswith("0{"):
        return Frame("open", raw)
    if raw.startswith(_CONNECTED_PREFIX):
        return Frame("connected", raw)
    if raw.startswith(_CONNECT_ERROR_PREFIX):
        return Frame("connect_error", raw)
    if raw.startswith(_DISCONNECT):
        return Frame("disconnect", raw)
    return Frame("other", raw)


def var_value(delta: dict[str, Any], cls: type[Any], name: str) -> Any:
    """A var's new value in a delta, or None when the delta does not carry it."""
    return (delta.get(state_name(cls)) or {}).get(field(name))


def redirects(update: dict[str, Any]) -> list[str]:
    """Paths of the `_redirect` frontend events an update asks for (same-site only)."""
    return [
        e["payload"]["path"]
        for e in update.get("events") or []
        if e.get("name") == "_redirect" and not (e.get("payload") or {}).get("external")
    ]
