"""Where the composer puts the cursor once it opens: in Message, unless the agent got there first.

The composer's focus comes from the server a round trip after the click that opened it, and
lands a moment later still: an agent who has already clicked into a field and started typing
must keep typing there (a number typed into Other number had gone into Message).
"""

from __future__ import annotations

from playwright.sync_api import Page

from agent_workspace.state.compose_message import BODY_ID, FOCUS_MESSAGE_JS

FIELDS = f"""
<button id="start">Compose SMS</button>
<input id="compose-other" aria-label="Other number">
<textarea id="{BODY_ID}" aria-label="Message"></textarea>
"""


# The script focuses from a timer: every timer the page sets from now on says when it has run.
TIMERS_SETTLE = """() => {
    const real = window.setTimeout;
    window.timersRun = [];
    window.setTimeout = (run, ms, ...args) => {
        let done;
        window.timersRun.push(new Promise((resolve) => { done = resolve; }));
        return real(() => { try { run(...args); } finally { done(); } }, ms);
    };
}"""


def _run_focus_script(page: Page) -> None:
    """Runs what focus_message() has the page run, and returns once its timer has run."""
    page.evaluate(TIMERS_SETTLE)
    page.evaluate(f"() => {{ {FOCUS_MESSAGE_JS}; }}")
    assert page.evaluate("() => Promise.all(window.timersRun).then(() => window.timersRun.length)")


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
