"""Alarms: a service's pass run every so often by each worker (a lifespan task), for what
comes due by the clock rather than by an event: snoozes that end, SLA clocks that run out.
Each pass is written so that two workers' passes act once (a conditional UPDATE)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)


async def every_so_often(one_pass: Callable[[], int], *, every: float, did: str) -> None:
    """Runs `one_pass` off the event loop every `every` seconds until cancelled, logging
    `did % count` when it acted on something; a failed pass is logged and the next one tries
    again (a database hiccup must not end the alarm)."""
    while True:
        try:
            if count := await asyncio.to_thread(one_pass):
                log.info(did, count)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("an alarm's pass failed (%s)", did.replace("%d ", ""))
        await asyncio.sleep(every)
