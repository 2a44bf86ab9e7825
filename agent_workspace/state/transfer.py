"""The Transfer dialog of the open conversation: whom to (an active agent, with how many
active interactions each holds, or back to the queue) and a required note; it asks first when
it takes the conversation from another agent. The service decides everything
(services/conversation/transfer.py); this state holds what the dialog shows."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.domain.transfer import MAX_REASON
from agent_workspace.models import Role
from agent_workspace.services.conversation import transfer as transfer_service
from agent_workspace.services.errors import ServiceError
from agent_workspace.services.interactions.confirmations import ConfirmationNeeded
from agent_workspace.state.client_input import choice_refusal, typed_refusal
from agent_workspace.state.session import SessionState
from agent_workspace.state.views import Choice

QUEUE = "queue"  # the choice that sends it back to the queue


class TransferState(SessionState):
    transfer_open: bool = False
    transfer_number: str = ""
    transfer_targets: list[Choice] = []
    transfer_to: str = ""  # an agent's id, QUEUE, or "" (not chosen)
    transfer_note: str = ""
    transfer_error: str = ""
    transfer_confirm: str = ""  # the question when it takes the conversation from someone

    @rx.event
    async def open_transfer(self) -> EventSpec | None:
        """The Transfer button: whom this conversation may go to (refused where the agent may
        not transfer it, e.g. no standing on it, or it is closed)."""
        choices = await self._serve(
            Role.AGENT,
            transfer_service.transfer_choices,
            show="",
            interaction_id=self._interaction_in_url() or 0,
        )
        if isinstance(choices, ServiceError):
            return rx.toast.error(choices.message)
        self.transfer_targets = [
            Choice(str(a.agent_id), f"{a.name} · {a.open_count} open") for a in choices.agents
        ]
        if choices.queue:
            self.transfer_targets.append(Choice(QUEUE, "Back to the queue"))
        self.transfer_number, self.transfer_open = choices.number, True
        self.transfer_to = self.transfer_note = self.transfer_error = self.transfer_confirm = ""
        return None

    @rx.event
    def set_transfer_to(self, value: str) -> None:
        options = [c.value for c in self.transfer_targets]
        if problem := choice_refusal(self, Role.AGENT, value, options, what="an agent"):
            self.transfer_error = problem
            return
        self.transfer_to, self.transfer_error, self.transfer_confirm = value, "", ""

    @rx.event
    def set_transfer_note(self, value: str) -> None:
        problem = typed_refusal(self, Role.AGENT, value, what="The note", limit=MAX_REASON * 2)
        if problem:
            self.transfer_error = problem
            return
        self.transfer_note = value

    @rx.event
    def cancel_transfer(self) -> None:
        self.transfer_open = False
        self.transfer_to = self.transfer_note = self.transfer_error = self.transfer_confirm = ""

    @rx.event
    async def transfer(self) -> EventSpec | None:
        return await self._transfer(confirmed=False)

    @rx.event
    async def transfer_confirmed(self) -> EventSpec | None:
        """ "Transfer anyway": the agent said yes to taking it from whoever has it."""
        return await self._transfer(confirmed=True)

    async def _transfer(self, *, confirmed: bool) -> EventSpec | None:
        if not self.transfer_to:
            self.transfer_error = "Choose an agent, or Back to the queue."
            return None
        done = await self._serve(
            Role.AGENT,
            transfer_service.transfer,
            show="",
            interaction_id=self._interaction_in_url() or 0,
            agent_id=None if self.transfer_to == QUEUE else int(self.transfer_to),
            note=self.transfer_note,
            confirmed=confirmed,
        )
        if isinstance(done, ConfirmationNeeded):
            self.transfer_confirm, self.transfer_error = done.message, ""
            return None
        if isinstance(done, ServiceError):
            self.transfer_error, self.transfer_confirm = done.message, ""
            return None
        self.cancel_transfer()
        return rx.toast.success(f"{done.number} is transferred to {done.to}.")
