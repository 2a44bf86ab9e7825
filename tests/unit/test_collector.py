"""The app's lifespan tunes the cycle collector: start-up objects frozen, full passes rare."""

from __future__ import annotations

import gc

from agent_workspace.web.collector import FULL_EVERY, tune_collector


async def test_start_up_objects_are_frozen_and_full_collections_made_rare() -> None:
    before = gc.get_threshold()
    try:
        await tune_collector()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (before[0], before[1], FULL_EVERY)
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
