"""Reflex's /_upload in the running workspace answers before it reads what it would refuse, and
what an agent attaches and removes leaves nothing behind on the server."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from playwright.sync_api import FilePayload, Page, expect

from agent_workspace.config import PROJECT_ROOT
from agent_workspace.domain.file_retention import content_key
from tests.e2e.pages import compose, open_interaction_of, send, sign_in_as_agent
from tests.support.servers import WorkspaceServer
from tests.support.storage import folder_size, stored_files
from tests.support.waiting import wait_until

HANDLER = "reflex___state____state.agent_workspace___state___compose____compose_state.send"
BOUNDARY = "----guardtest"
PNG_HEAD = b"\x89PNG\r\n\x1a\n"
MB = 1024 * 1024


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
    # Every message describes the present: a later send that goes through clears it.
    send(page)
    expect(page.get_by_text("Queued in IMS")).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="larger than")).to_have_count(0)


def test_a_file_of_a_type_not_allowed_says_so_and_which_types_are(
    page: Page, workspace: WorkspaceServer
) -> None:
    """The picker's "All files" lets an agent choose any file: it is refused by its bytes with
    which types are allowed (it had shown "An error occurred. Contact the website
    administrator.")."""
    sign_in_as_agent(page, workspace)
    open_interaction_of(page, "Maria Garcia")
    compose(page, body="the logo")
    picker = page.locator("#compose_files input[type=file]")
    expect(picker).to_have_attribute("accept", re.compile(r"image/png"))  # offered first
    logo: FilePayload = {
        "name": "logo.svg",
        "mimeType": "image/svg+xml",
        "buffer": b'<svg xmlns="http://www.w3.org/2000/svg"/>',
    }
    picker.set_input_files(files=[logo])
    expect(page.get_by_role("alert").filter(has_text="logo.svg")).to_contain_text(
        re.compile(r"logo\.svg is .+, which is not allowed\. Allowed: .*JPEG.*PNG")
    )
    expect(page.get_by_text("An error occurred")).to_have_count(0)
    expect(page.get_by_role("list", name="Attached files")).to_have_count(0)


def test_attaching_and_removing_files_leaves_nothing_behind_on_the_server(
    page: Page, workspace: WorkspaceServer
) -> None:
    sign_in_as_agent(page, workspace)
    open_interaction_of(page, "Maria Garcia")
    compose(page, body="a picture, or not")
    storage = Path(workspace.env["AW_STORAGE_DIR"])
    reflex_uploads = PROJECT_ROOT / "uploaded_files"  # Reflex's own upload folder
    before = (folder_size(storage), stored_files(reflex_uploads), _spooled_uploads(workspace))

    for i in range(10):
        # Over Starlette's 1 MB in memory: each upload is spooled to a temporary file.
        picture = FilePayload(
            name=f"photo{i}.png", mimeType="image/png", buffer=PNG_HEAD + os.urandom(3 * MB // 2)
        )
        page.locator("#compose_files input[type=file]").set_input_files(files=[picture])
        remove = page.get_by_role("button", name=f"Remove photo{i}.png")
        remove.click()
        expect(remove).to_have_count(0)

    after = (folder_size(storage), stored_files(reflex_uploads), _spooled_uploads(workspace))
    assert after == before


def test_the_workspace_deletes_stored_bytes_nothing_refers_to_once_past_the_grace(
    workspace: WorkspaceServer,
) -> None:
    data = b"bytes a crash left behind"
    left = Path(workspace.env["AW_STORAGE_DIR"]) / content_key(hashlib.sha256(data).hexdigest())
    left.parent.mkdir(parents=True, exist_ok=True)
    left.write_bytes(data)
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(left, (two_days_ago, two_days_ago))

    # The servers here collect every second.
    wait_until(lambda: not left.exists(), timeout=20, what="the file collector to delete it")


def _spooled_uploads(workspace: WorkspaceServer) -> int:
    """Files the workspace's processes hold open in the temp folder that have no name any more:
    how Starlette spools an upload Reflex is reading (or never closed)."""
    assert workspace.process is not None
    temp = tempfile.gettempdir()
    processes = held = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.getsid(int(pid)) != workspace.process.pid:
                continue
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:  # ended meanwhile, or not ours to read
            continue
        processes += 1
        for fd in fds:
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            held += target.startswith(temp) and target.endswith(" (deleted)")
    assert processes > 1, "the workspace's processes were not found"
    return held
