"""A tab's state on the server expires: the value rxconfig.py gives Reflex is the one its state
managers use (disk and memory from the config, Redis as each key's time to live)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from reflex.istate.manager.memory import StateManagerMemory
from reflex_base.config import reload_config
from reflex_base.registry import RegistrationContext

from agent_workspace import config as settings_module
from agent_workspace.config import PROJECT_ROOT, Settings


@pytest.fixture
def project_config(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Reflex reads rxconfig.py from the working directory; the earlier config comes back."""
    context = RegistrationContext.ensure_context()
    earlier = context._config
    monkeypatch.chdir(PROJECT_ROOT)
    yield
    if earlier is not None:
        context._set_config(earlier)


def test_a_tab_state_expires_after_an_hour_unless_configured() -> None:
    assert Settings().tab_state_seconds == 3600


def test_the_configured_expiry_is_what_reflexs_state_managers_use(
    monkeypatch: pytest.MonkeyPatch, project_config: None
) -> None:
    monkeypatch.setenv("AW_TAB_STATE_SECONDS", "900")
    settings_module.get_settings.cache_clear()
    config = reload_config()
    assert config.redis_token_expiration == 900
    assert StateManagerMemory().token_expiration == 900  # type: ignore[abstract]


@pytest.mark.parametrize("seconds", ["0", "59", "86401"])
def test_an_expiry_outside_a_minute_to_a_day_is_refused(
    monkeypatch: pytest.MonkeyPatch, seconds: str
) -> None:
    monkeypatch.setenv("AW_TAB_STATE_SECONDS", seconds)
    with pytest.raises(ValueError, match="tab_state_seconds"):
        Settings()
