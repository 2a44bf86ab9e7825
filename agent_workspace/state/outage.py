"""What the page shows while the workspace has lost its database or Redis.

Nothing here is set by an event: each web worker's watch (web/outage.py) checks its
dependencies every few seconds and sends this var straight to the tabs connected to it, which
works while the state store itself (Redis) is away. No handlers: a client cannot set it.
"""

from __future__ import annotations

import reflex as rx


class OutageState(rx.State):
    """Why the workspace is reconnecting ("" while everything answers)."""

    outage: str = ""
