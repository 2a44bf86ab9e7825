"""Where the composer puts the cursor once it opens: in Message, unless the agent got there first.

The composer's focus comes from the server a round trip after the click that opened it, and
lands a moment later still: an agent who has already clicked into a field and started typing
must keep typing there (a number typed into Other number had gone into Message).
"""

from __future__ import annotations

from playwright.sync_api import Page

from agent_workspace.state.compose import BODY_ID, FOCUS_MESSAGE_JS

FIELDS = f"""
<button id="start">Compose SMS</button>
<input id="compose-other" aria-label="Other number">
<textarea id="{BODY_ID}" aria-label="Message"></textarea>
"""


def _run_focus_script(page: Page) -> None:
    page.evaluate(f"() => {{ {FOCUS_MESSAGE_JS}; }}")  # what focus_message() has the page run
    page.wait_for_timeout(150)  # the script focuses after a short delay


def _focused(page: Page) -> str:
    return str(page.evaluate("document.activeElement?.id || document.activeElement?.tagName"))


def test_the_cursor_goes_to_message_when_the_agent_is_not_typing_anywhere(page: Page) -> None:
    page.set_content(FIELDS)
    page.locator("#start").focus()
    _run_focus_script(page)
    assert _focused(page) == BODY_ID


def test_a_field_the_agent_is_typing_in_keeps_the_cursor(page: Page) -> None:
    page.set_content(FIELDS)
    page.locator("#compose-other").focus()
    _run_focus_script(page)
    assert _focused(page) == "compose-other"
    page.keyboard.type("+55 11 96123-4567")
    assert page.locator("#compose-other").input_value() == "+55 11 96123-4567"
    assert page.locator(f"#{BODY_ID}").input_value() == ""
