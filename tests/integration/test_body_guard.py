"""The body guard's time rule in-process (uvicorn): a body gets the timeout plus what its size
needs at the minimum rate, so a long upload that keeps coming is read whole and one that stalls
is cut. The attack itself is tests/e2e/test_edge.py, on Granian."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from agent_workspace import config
from agent_workspace.web.body_guard import BodyGuard
from tests.integration.pipeline.conftest import ApiServer
from tests.support.http_pieces import post_in_pieces


async def _count(request: Request) -> Response:
    return JSONResponse({"bytes": len(await request.body())})


@pytest.fixture(scope="module")
def guarded() -> Iterator[ApiServer]:
    app = Starlette(routes=[Route("/count", _count, methods=["POST"])])
    server = ApiServer(BodyGuard(app)).start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _pace(monkeypatch: pytest.MonkeyPatch) -> None:
    """Half a second for any body, plus a second per 1,000 bytes."""
    monkeypatch.setenv("AW_BODY_TIMEOUT_SECONDS", "0.5")
    monkeypatch.setenv("AW_BODY_MIN_BYTES_PER_SECOND", "1000")
    config.get_settings.cache_clear()


def _paced(piece: bytes, count: int, every: float) -> Iterator[bytes]:
    for index in range(count):
        if index:
            time.sleep(every)  # the client's pace, not a wait for the server
        yield piece


def test_a_body_that_keeps_coming_is_read_whole_past_the_timeout(guarded: ApiServer) -> None:
    """4,000 bytes a second for 1.2 s: well past 0.5 s, and well within what its size earns."""
    answer = post_in_pieces(guarded.url, "/count", _paced(b"x" * 400, 13, 0.1), length=5200)

    assert (answer.status_code, answer.json()) == (200, {"bytes": 5200})


def test_a_body_that_stops_coming_is_cut_with_408(guarded: ApiServer) -> None:
    answer = post_in_pieces(guarded.url, "/count", [b"x" * 10], length=1000)

    assert answer.status_code == 408
    assert answer.json() == {"detail": "The request body did not arrive in time."}


def test_a_large_body_on_another_path_has_no_webhook_limit(guarded: ApiServer) -> None:
    answer = post_in_pieces(guarded.url, "/count", [b"x" * 200_000], length=200_000)

    assert (answer.status_code, answer.json()) == (200, {"bytes": 200_000})
