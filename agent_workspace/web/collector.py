"""Python's cycle collector tuned for a server that holds every connected tab's state.

A full (generation 2) collection walks every tracked object, and each connected tab's Reflex
state adds thousands: measured on this machine, a full pass took ~55 ms with a handful of tabs
and ~300 ms with 500, and it ran every few seconds while webhooks came in, so the slowest
webhook → screen times were collector pauses. Two standard remedies:
- freeze what start-up loaded (modules, the compiled app, caches): those objects live as long as
  the process and are never walked again;
- make full passes rarer (after FULL_EVERY young-generation passes instead of 10). Young
  garbage, the bulk of it, is still collected at the default pace; old cycles (a closed tab's
  state) wait longer for their pass, and the memory benchmark measures what that costs.
"""

from __future__ import annotations

import gc

FULL_EVERY = 1000  # CPython's default is 10


async def tune_collector() -> None:
    """Lifespan task: runs once the app has loaded."""
    tune()


def tune() -> None:
    """Freezes what the process holds now and makes full passes rare."""
    gc.collect()
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_EVERY)
