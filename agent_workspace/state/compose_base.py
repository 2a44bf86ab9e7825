"""What every part of the composer reads: the interaction it composes for, whether it is open,
and the line that says why something was refused. The parts (compose_to.py, compose_message.py,
compose_files.py) are mixins of one state, ComposeState (compose.py): one composer per tab."""

from __future__ import annotations

from agent_workspace.state.session import SessionState


class ComposerBase(SessionState, mixin=True):
    """Every handler re-checks the agent role on the server."""

    is_open: bool = False
    interaction_id: int = 0
    error: str = ""
