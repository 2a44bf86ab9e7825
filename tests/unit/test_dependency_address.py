"""Where a database or Redis URL points, as the refusals and /readyz's log lines say it."""

from __future__ import annotations

import pytest

from agent_workspace.ops.health import address


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("sqlite:///data/workspace.db", "SQLite file data/workspace.db"),
        ("postgresql+psycopg://aw:secret@db.internal:6543/desk", "db.internal:6543/desk"),
        ("postgresql+psycopg://127.0.0.1/test", "127.0.0.1:5432/test"),
        # The README's production URL: the socket in /run/postgresql, not localhost:5432.
        (
            "postgresql+psycopg:///agent_workspace?host=/run/postgresql",
            "the socket in /run/postgresql (port 5432)/agent_workspace",
        ),
        ("redis://127.0.0.1:6379/0", "127.0.0.1:6379/0"),
    ],
)
def test_the_address_is_where_the_driver_connects_without_credentials(url: str, said: str) -> None:
    assert address(url) == said
