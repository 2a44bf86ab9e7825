"""What a tab keeps of what its client sends.

Every public handler is callable by any connected client with arguments of its choosing. A
tab keeps a value only when it was signed in with the page's role when the page loaded (the
server checked the session then and noted the roles), and only within the bounds of
domain/inputs.py: a client that never signed in cannot fill the server's memory, and a
signed-in one cannot fill it past the bounds. Each check returns why not, in words, or "".
"""

from __future__ import annotations

from collections.abc import Iterable

from agent_workspace.domain.inputs import TYPED_CHARS, is_choice, text_problem
from agent_workspace.models import Role
from agent_workspace.services.access import role_refusal
from agent_workspace.state.session import SessionState


def refusal(state: SessionState, role: Role) -> str:
    """Why this tab keeps nothing its client sends: nobody, or nobody with `role`, signed in."""
    return role_refusal(state.username or None, state.roles, role)


def typed_refusal(
    state: SessionState, role: Role, value: object, *, what: str, limit: int = TYPED_CHARS
) -> str:
    """`refusal`, then why `value` is no text to keep (domain/inputs.py text_problem)."""
    return refusal(state, role) or text_problem(value, what=what, limit=limit)


def choice_refusal(
    state: SessionState, role: Role, value: object, options: Iterable[str], *, what: str
) -> str:
    """`refusal`, then whether `value` is one of the `options` the page offers."""
    if problem := refusal(state, role):
        return problem
    return "" if is_choice(value, options) else f"Choose {what} from the list."
