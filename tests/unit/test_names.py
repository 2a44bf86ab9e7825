"""Names are one line of visible text; text that may hold hidden characters is escaped."""

import pytest

from agent_workspace.domain.names import display_name_problem, is_hidden, one_line

PERSIAN = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # a word with a zero-width non-joiner


@pytest.mark.parametrize(
    "name",
    [
        "Ada Lovelace",
        "José Álvarez-Núñez",
        "O'Brien, Jr.",
        "李小龍",
        "محمد",  # right-to-left script, no override characters
        PERSIAN,
        "Sam 👩\u200d💻",  # an emoji sequence with a zero-width joiner
        "x" * 120,
    ],
)
def test_visible_names_are_accepted(name: str) -> None:
    assert display_name_problem(name) is None


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("", "1 to 120 characters"),
        ("x" * 121, "1 to 120 characters"),
        ("Ada\nAdmin", "a line break (U+000A) at character 4"),
        ("Ada\r\nAdmin", "a line break (U+000D) at character 4"),
        ("Ada\u2028Admin", "a line break (U+2028)"),
        ("Ada\u2029Admin", "a line break (U+2029)"),
        ("Ada\x85Admin", "a line break (U+0085)"),
        ("Ada\x0bAdmin", "a line break (U+000B)"),
        ("Ada\x00", "a NUL (U+0000) at character 4"),
        ("Ada\tAdmin", "a tab (U+0009)"),
        ("Ada\x1b[31m", "a control or formatting character (U+001B)"),
        ("Ada\x7f", "(U+007F)"),
        ("Ada \u202egpj.exe", "(U+202E)"),
        ("\u2066Ada\u2069", "(U+2066) at character 1"),
        ("Ada\u200bAdmin", "(U+200B)"),
        ("\ufeffAda", "(U+FEFF)"),
    ],
)
def test_hidden_characters_and_bad_lengths_are_refused_with_where(name: str, why: str) -> None:
    problem = display_name_problem(name)
    assert problem is not None and why in problem
    assert "\n" not in problem
    assert not name or name not in problem  # never echoed back


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Ada", "Ada"),
        ("Ada\nAdmin", "Ada\\u000aAdmin"),
        ("a\x00b\tc", "a\\u0000b\\u0009c"),
        ("x\u202ey", "x\\u202ey"),
        (PERSIAN, PERSIAN),
    ],
)
def test_one_line_escapes_exactly_the_hidden_characters(text: str, shown: str) -> None:
    assert one_line(text) == shown
    assert not any(is_hidden(c) for c in one_line(text))
