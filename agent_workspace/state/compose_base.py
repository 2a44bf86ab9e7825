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

    async def _to_changed(self) -> None:
        """To changed, the composer opened, or a text went: compose_checks.py reads what the
        checks need of the recipient."""

    def _text_went(self) -> None:
        """A Send went to To: compose_checks.py knows the next text is no first."""

    def _message_changed(self) -> None:
        """The message or its files changed: compose_checks.py checks them again."""
