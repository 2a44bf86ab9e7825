"""Administration of service levels (admins only, re-checked in every handler)."""

from __future__ import annotations

import dataclasses

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.models import Role
from agent_workspace.services import labels
from agent_workspace.services.access import Actor
from agent_workspace.services.channels import sla_policies as policies
from agent_workspace.services.errors import ServiceError
from agent_workspace.state.admin_form import TableForm
from agent_workspace.state.client_input import choice_refusal, typed_refusal
from agent_workspace.state.session import SessionState
from agent_workspace.state.views import Choice

SLA_TAB = "sla"
EVERY = "0"  # the label select's value for the channel's own policy
TARGETS = ("first_response", "next_response", "resolution")


@dataclasses.dataclass
class PolicyItem:
    id: int
    label_id: int
    applies_to: str  # "VIP" or "Every conversation"
    first_response: str
    next_response: str
    resolution: str


def _item(view: policies.PolicyView) -> PolicyItem:
    return PolicyItem(
        view.id,
        view.label_id,
        view.label or "Every conversation",
        view.first_response or "—",
        view.next_response or "—",
        view.resolution or "—",
    )


class SlaAdminState(TableForm, SessionState):
    policies: list[PolicyItem] = []
    label_options: list[Choice] = [Choice(EVERY, "Every conversation (no label)")]
    label_id: str = EVERY
    first_response: str = ""
    next_response: str = ""
    resolution: str = ""
    label_error: str = ""
    first_response_error: str = ""
    next_response_error: str = ""
    resolution_error: str = ""

    async def _reload(self, who: Role | Actor, *, show: str = "") -> None:
        found = await self._serve(who, policies.list_policies, show=show)
        if not isinstance(found, ServiceError):
            self.policies = [_item(p) for p in found]
        named = await self._serve(who, labels.list_labels, show=show)
        if not isinstance(named, ServiceError):
            self.label_options = [
                Choice(EVERY, "Every conversation (no label)"),
                *[Choice(str(x.id), f"Label: {x.name}") for x in named],
            ]

    def _mark(self, problems: dict[str, str]) -> None:
        self.label_error = problems.get("label", "")
        self.first_response_error = problems.get("first_response", "")
        self.next_response_error = problems.get("next_response", "")
        self.resolution_error = problems.get("resolution", "")

    @rx.event
    async def load(self) -> None:
        await self._reload(Role.ADMIN, show="error")

    @rx.event
    async def tab_opened(self, tab: str) -> None:
        """Labels may have changed on their own tab since: read them again on opening."""
        if tab == SLA_TAB:
            await self._reload(Role.ADMIN, show="error")

    @rx.event
    def set_label_id(self, value: str) -> None:
        offered = [c.value for c in self.label_options]
        if problem := choice_refusal(self, Role.ADMIN, value, offered, what="what it applies to"):
            self.label_error = problem
            return
        self.label_id, self.label_error = value, ""

    def _type_target(self, field: str, value: str) -> None:
        if problem := typed_refusal(self, Role.ADMIN, value, what="The target", limit=40):
            setattr(self, f"{field}_error", problem)
            return
        setattr(self, field, value)
        setattr(self, f"{field}_error", "")

    @rx.event
    def set_first_response(self, value: str) -> None:
        self._type_target("first_response", value)

    @rx.event
    def set_next_response(self, value: str) -> None:
        self._type_target("next_response", value)

    @rx.event
    def set_resolution(self, value: str) -> None:
        self._type_target("resolution", value)

    @rx.event
    def edit(self, policy_id: int) -> None:
        for item in self.policies:
            if item.id == policy_id:
                self.editing_id, self.label_id = item.id, str(item.label_id)
                self.first_response = item.first_response.replace("—", "")
                self.next_response = item.next_response.replace("—", "")
                self.resolution = item.resolution.replace("—", "")
        self._mark({})
        self.error = ""

    def _close_row(self) -> None:
        self.editing_id, self.label_id = 0, EVERY
        self.first_response = self.next_response = self.resolution = ""
        self._mark({})

    @rx.event
    async def save(self) -> EventSpec | None:
        return await self._save(
            policies.save_policy,
            lambda saved: f"Saved the service level for {saved.label or 'the channel'}.",
            policy_id=self.editing_id or None,
            label_id=int(self.label_id) if self.label_id.isdigit() else None,
            first_response=self.first_response,
            next_response=self.next_response,
            resolution=self.resolution,
        )

    @rx.event
    async def move(self, policy_id: int, up: bool) -> None:
        self.error = ""
        moved = await self._serve(Role.ADMIN, policies.move_policy, policy_id=policy_id, up=up)
        if not isinstance(moved, ServiceError):
            self.policies = [_item(p) for p in moved]

    @rx.event
    async def delete(self, policy_id: int) -> EventSpec | None:
        return await self._delete(
            policies.delete_policy,
            lambda name: f"Deleted the service level for {name}.",
            policy_id=policy_id,
        )
