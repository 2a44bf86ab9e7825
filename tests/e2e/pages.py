"""What an agent does in the browser, in words the tests read like."""

from __future__ import annotations

import contextlib
import re

import httpx
from playwright.sync_api import Browser, Locator, Page, WebSocket, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.e2e.people import add_agent
from tests.support.servers import WorkspaceServer


def sign_in(page: Page, workspace: WorkspaceServer, username: str, password: str) -> None:
    page.goto(f"{workspace.url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_in_as_agent(
    page: Page, workspace: WorkspaceServer, username: str = "alice", password: str = ""
) -> None:
    """Signs in (a demo agent's password unless given) and waits for the workspace."""
    sign_in(page, workspace, username, password or f"{username}-demo-pass")
    expect(page.get_by_role("heading", name="My Interactions")).to_be_visible()


def sign_in_as_new_agent(page: Page, workspace: WorkspaceServer, first: str) -> tuple[str, int]:
    """Signs in as a fresh agent (people.add_agent: no other test's notices or lists reach
    them) and waits for the workspace; returns their username and id."""
    username, agent_id = add_agent(workspace, first)
    sign_in_as_agent(page, workspace, username, f"{username}-pass-phrase")
    return username, agent_id


def desk_page(browser: Browser) -> Page:
    """A tab of its own (cookies and storage: another user's session) at a desk's size."""
    return browser.new_context(viewport={"width": 1440, "height": 900}).new_page()


def text_in(workspace: WorkspaceServer, phone: str, body: str, to: str = "+14155550100") -> None:
    """The consumer at `phone` texts `body` to `to` (the Support line) through the simulator."""
    httpx.post(
        f"{workspace.simulator_url}/_sim/inbound",
        json={"from": phone, "to": to, "body": body},
        timeout=10,
    ).raise_for_status()


def the_list(page: Page):  # type: ignore[no-untyped-def]
    """The interaction list pane (My Interactions, or whichever list is chosen)."""
    return page.get_by_role("list").filter(has=page.get_by_role("link", name=re.compile("IMS")))


def row_of(page: Page | Locator, person: str, number: str = "") -> Locator:
    """A row of the interaction list: its link reads the person first, then the rest."""
    rest = rf".*\b{number}\b" if number else ""
    return page.get_by_role("link", name=re.compile(rf"^{person}\b{rest}"))


def open_interaction_of(page: Page, person: str) -> str:
    """Clicks the first row of the list about `person`; returns the interaction's number."""
    row_of(page, person).first.click()
    heading = page.get_by_role("heading", level=2, name=re.compile(r"^IMS\d{7}$"))
    expect(heading).to_be_visible()
    return heading.inner_text()


def open_interaction(page: Page, workspace: WorkspaceServer, interaction_id: int) -> None:
    """A deep link to /interactions/<id>."""
    page.goto(f"{workspace.url}/interactions/{interaction_id}")
    expect(
        page.get_by_role("region", name="Compose SMS").or_(
            page.get_by_role("button", name="Compose SMS")
        )
    ).to_be_visible()


def compose(
    page: Page, *, body: str, from_number: str | None = "+14155550100", to: str | None = None
) -> None:
    """Opens the composer (Compose SMS where it is not open yet) and fills it; `to` picks
    Other and types the number; `from_number` None chooses no From (the channel sends through
    a Messaging Service: the composer offers none)."""
    start = page.get_by_role("button", name="Compose SMS")
    composer = page.get_by_role("region", name="Compose SMS")
    expect(composer.or_(start).first).to_be_visible()
    if start.is_visible():
        # The page's own load may open the composer meanwhile (where replying is the natural
        # next step, e.g. once a text has gone) and take the button away: then what the click
        # was for has happened.
        with contextlib.suppress(PlaywrightTimeoutError):
            start.click(timeout=5_000)
    expect(composer).to_be_visible()
    change = composer.get_by_role("button", name="Change From or To")
    choose_from = composer.get_by_label("From", exact=True)
    choose_to = composer.get_by_label("To", exact=True)
    expect(choose_to.or_(change).first).to_be_visible()
    if not choose_to.is_visible():
        change.click()
    if from_number is not None:
        choose_from.select_option(from_number)
    if to is not None:
        other = composer.get_by_label("Other number")
        for _ in range(3):
            # A page still loading (just reloaded) may put To back to its default once its
            # own load lands: then Other is chosen again, as an agent would.
            choose_to.select_option("other")
            with contextlib.suppress(PlaywrightTimeoutError):
                other.wait_for(state="visible", timeout=5_000)
                break
        other.fill(to)
    composer.get_by_label("Message", exact=True).fill(body)


def send(page: Page) -> None:
    """Send, reached by its name (Enter on the focused button): a click aims at a point, and
    the lines the composer adds as it checks what was just typed (the preview, the checks
    before Send) can move Send from under it between aim and click."""
    page.get_by_role("region", name="Compose SMS").get_by_role("button", name="Send").press("Enter")


def send_now_if_quiet(composer: Locator, outbound: Locator) -> None:
    """A new channel respects quiet hours (issue 26): when it is night for the consumer on the
    real clock, Send asks first; answer "Send now anyway" with a reason. Otherwise the message
    has gone already."""
    quiet = composer.get_by_role("alertdialog", name="Outside quiet hours")
    expect(outbound.or_(quiet).first).to_be_visible()
    if quiet.is_visible():
        quiet.get_by_role("button", name="Send now anyway").click()
        quiet.get_by_label("Reason to send now").fill("They asked for a welcome text now")
        quiet.get_by_role("button", name="Send now", exact=True).click()


def messages(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_role("list", name="Messages")


def new_interaction(page: Page, workspace: WorkspaceServer, person: str) -> None:
    """My Interactions → New → about `person` (as the select labels it) → Create."""
    page.goto(workspace.url)
    page.get_by_role("button", name="New").click()
    dialog = page.get_by_role("dialog", name="New interaction")
    dialog.get_by_label("Consumer or contact").select_option(label=person)
    dialog.get_by_role("button", name="Create").click()
    expect(page.get_by_role("button", name="Compose SMS")).to_be_visible()
    expect(dialog).to_be_hidden()


class Frames:
    """Every websocket frame a page sends and receives from now on (socket.io text frames)."""

    def __init__(self, page: Page) -> None:
        self.sent: list[str] = []
        self.received: list[str] = []
        page.on("websocket", self._watch)

    def _watch(self, socket: WebSocket) -> None:
        socket.on("framesent", lambda frame: self.sent.append(str(frame)))
        socket.on("framereceived", lambda frame: self.received.append(str(frame)))

    def mention(self, text: str) -> bool:
        """Whether a frame the page received since it was watched holds `text`."""
        return any(text in frame for frame in self.received)
