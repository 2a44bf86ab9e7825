"""Checks under Message as the agent types (domain/deliverability.py), each with its one-click
fix where one exists, and the consumer's time next to To (domain/consumer_time.py).

What the checks need of the recipient (a first text? the business name, the country, the zone)
is read once each time To changes and when the composer opens (services/sending/facts.py);
each keystroke runs only the pure check, as the counter does. Quiet hours are judged at each
keystroke too, from the channel's policy read with the facts: Send would ask first, so the
agent is told before clicking."""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from datetime import UTC, datetime

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.domain.deliverability import Attachment, Check, CheckKind, check_message
from agent_workspace.domain.quiet_hours import before_send, judge
from agent_workspace.models import Role
from agent_workspace.services.errors import ServiceError
from agent_workspace.services.sending.facts import RecipientFacts, recipient_facts
from agent_workspace.state.client_input import choice_refusal
from agent_workspace.state.compose_files import ComposeFilesMixin
from agent_workspace.state.compose_message import ComposeMessageMixin, focus_message
from agent_workspace.state.compose_to import OTHER, ComposeToMixin
from agent_workspace.state.their_time import TheirTimeMixin

FIX_LABELS = {
    CheckKind.UCS2: "Use plain characters",
    CheckKind.NO_OPT_OUT_HINT: 'Add "Reply STOP to opt out."',
}


@dataclasses.dataclass
class CheckItem:
    kind: str
    words: str
    fix_label: str  # the fix's button, "" when there is no one-click fix


class ComposeChecksMixin(
    ComposeToMixin, ComposeMessageMixin, ComposeFilesMixin, TheirTimeMixin, mixin=True
):
    send_checks: list[CheckItem] = []
    _facts: RecipientFacts | None = None  # of the number To names now; None: none known

    def _to_e164(self) -> str:
        return self.other_e164 if self.to_choice == OTHER else self.to_choice

    async def _to_changed(self) -> None:
        """Reads what the checks need of the number To names now, and their time."""
        to = self._to_e164()
        facts = None
        if to:
            read = await self._serve(
                Role.AGENT,
                recipient_facts,
                show="",
                interaction_id=self.interaction_id,
                to=to,
            )
            facts = None if isinstance(read, ServiceError) else read
        self._facts = facts
        self._show_their_time(facts.where if facts else None)
        self._message_changed()

    def _text_went(self) -> None:
        if self._facts is not None and self._facts.first_message:
            self._facts = replace(self._facts, first_message=False)
            self._message_changed()

    def _checks(self) -> list[Check]:
        """The checks for the text and files as they are now (pure: no database)."""
        files = [
            # The check needs only image or not (the type was read from the bytes on attach).
            Attachment(f.name, "image/*" if f.is_image else "application/octet-stream", f.size)
            for f in self.files
        ]
        if not self.body.strip() and not files:
            return []
        facts = self._facts
        checks = check_message(
            self.body,
            first_message=facts.first_message if facts else False,
            business_name=facts.business_name if facts else "",
            region=facts.region if facts else None,
            attachments=files,
        )
        if facts is not None and facts.quiet is not None:
            verdict = judge(
                datetime.now(UTC),
                e164=self._to_e164(),
                where=facts.where,
                policy=facts.quiet,
                last_inbound_at=facts.last_inbound_at,
            )
            if words := before_send(verdict):
                checks.append(Check(CheckKind.QUIET_HOURS, words))
        return checks

    def _message_changed(self) -> None:
        self.send_checks = [
            CheckItem(c.kind.value, c.words, FIX_LABELS.get(c.kind, "Fix") if c.fixed else "")
            for c in self._checks()
        ]

    @rx.event
    def apply_fix(self, kind: str) -> EventSpec | None:
        """A check's one-click fix: the text becomes the fixed text, worked out here from the
        text the server holds (the browser names only which check)."""
        if choice_refusal(self, Role.AGENT, kind, [k.value for k in CheckKind], what="a check"):
            return None
        fixes = {c.kind.value: c.fixed for c in self._checks() if c.fixed is not None}
        if kind not in fixes:
            return None  # the text changed meanwhile: that check no longer applies
        self._set_body(fixes[kind])
        return focus_message()
