"""A client that sends a request body piece by piece and stops when the server answers early.

Like a browser, it watches for an answer while it sends: a server that refuses a body answers
with `Connection: close` and then closes with body bytes unread, and a client that wrote on
regardless (httpx) could have its answer cut off by the reset that follows (seen once in CI).
What it sent before the answer came tells whether the server refused before reading.
"""

from __future__ import annotations

import http.client
import itertools
import json
import select
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Answer:
    status_code: int
    body: bytes
    sent: int  # body bytes (framing left out) written before the answer came

    def json(self) -> Any:
        return json.loads(self.body)


def post_in_pieces(
    url: str,
    path: str,
    pieces: Iterable[bytes],
    *,
    headers: dict[str, str] | None = None,
    length: int | None = None,
    timeout: float = 10,
) -> Answer:
    """POSTs `pieces` to `url` + `path`: declared as `length` bytes, or chunked when None."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    sent = 0
    try:
        conn.putrequest("POST", path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        if length is None:
            conn.putheader("Transfer-Encoding", "chunked")
        else:
            conn.putheader("Content-Length", str(length))
        conn.endheaders()
        for piece in pieces if length is not None else itertools.chain(pieces, [b""]):
            if select.select([conn.sock], [], [], 0)[0]:
                break  # the server has answered: the rest is not wanted
            framed = piece if length is not None else b"%x\r\n%b\r\n" % (len(piece), piece)
            try:
                conn.send(framed)
            except (BrokenPipeError, ConnectionResetError):
                break  # it answered and closed meanwhile; the answer is read below
            sent += len(piece)
        answer = conn.getresponse()
        return Answer(answer.status, answer.read(), sent)
    finally:
        conn.close()
