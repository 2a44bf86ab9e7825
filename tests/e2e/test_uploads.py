"""Reflex's /_upload in the running workspace answers before it reads what it would refuse."""

from __future__ import annotations

import re
import uuid

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.pages import compose, open_interaction_of, sign_in_as_agent
from tests.servers import WorkspaceServer

HANDLER = "reflex___state____state.agent_workspace___state___compose____compose_state.send"
BOUNDARY = "----guardtest"


def _upload(workspace: WorkspaceServer, client_token: str, size: int) -> httpx.Response:
    """A multipart upload of one `size`-byte file, sent as the browser sends it."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="big.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode()
    body = head + b"\x89PNG\r\n\x1a\n" + bytes(size) + f"\r\n--{BOUNDARY}--\r\n".encode()
    return httpx.post(
        f"{workspace.url}/_upload",
        content=body,
        headers={
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            "Reflex-Client-Token": client_token,
            "Reflex-Event-Handler": HANDLER,
        },
        timeout=30,
    )


def test_a_signed_out_client_hears_sign_in_first_not_after_its_upload(
    workspace: WorkspaceServer,
) -> None:
    response = _upload(workspace, str(uuid.uuid4()), 8 * 1024 * 1024)
    assert (response.status_code, response.json()) == (403, {"detail": "Please sign in first."})


def test_an_agents_oversized_upload_is_refused_up_front_and_the_form_says_why(
    page: Page, workspace: WorkspaceServer
) -> None:
    sign_in_as_agent(page, workspace)
    open_interaction_of(page, "Maria Garcia")
    compose(page, body="here is the file")
    client_token = page.evaluate("() => window.sessionStorage.getItem('token')")

    response = _upload(workspace, client_token, 8 * 1024 * 1024)

    # The limit is the channel's policy (5 MB unless another test's admin lowered it).
    assert response.status_code == 413
    message = response.json()["detail"]
    assert re.fullmatch(
        r"These attachments are larger than the \d+ MB a message may take\.", message
    )
    expect(page.get_by_role("alert")).to_contain_text(message)
