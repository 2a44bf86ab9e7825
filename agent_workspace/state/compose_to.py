"""From, To (or Other), and the preview: what Send will do, said before the agent sends."""

from __future__ import annotations

import reflex as rx

from agent_workspace.domain.inputs import CHOICE_CHARS
from agent_workspace.domain.phone import display_phone, read_other
from agent_workspace.models import Role
from agent_workspace.services.access import Actor
from agent_workspace.services.errors import ServiceError
from agent_workspace.services.sending.options import ComposeOptions
from agent_workspace.services.sending.send import Preview, preview_send
from agent_workspace.state.client_input import choice_refusal, refusal, typed_refusal
from agent_workspace.state.compose_base import ComposerBase
from agent_workspace.state.live import ChannelFeed
from agent_workspace.state.views import Choice

OTHER = "other"


class ComposeToMixin(ComposerBase, mixin=True):
    editing_route: bool = False  # From and To shown as selects rather than one line
    region: str = "US"
    person_region: str = ""
    from_options: list[Choice] = []
    from_number: str = ""
    from_error: str = ""
    # The channel sends through a Messaging Service: no From to choose (Twilio picks it);
    # To number -> the label of the sender Twilio last used for it (Sticky Sender), when known.
    via_service: bool = False
    service_senders: dict[str, str] = {}
    to_options: list[Choice] = []
    to_choice: str = ""
    to_failed: list[str] = []  # numbers whose last text failed for good (the error playbook)
    other_text: str = ""
    other_e164: str = ""
    other_country: str = ""
    other_error: str = ""
    preview: str = ""  # "Send will …"
    refusal: str = ""  # why Send would be refused right now
    confirm: str = ""  # the question a Send that changes someone else's work asks first

    @rx.var
    def to_advice(self) -> str:
        """What to do instead when the chosen number's last text failed for good."""
        if self.to_choice not in self.to_failed:
            return ""
        return "Texts to this number failed for good: call or email them instead."

    @rx.var
    def service_sender(self) -> str:
        """Through a Messaging Service, the sender Twilio last used for the chosen To, or ""."""
        return self.service_senders.get(self.to_choice, "") if self.via_service else ""

    @rx.var
    def service_from(self) -> str:
        """What the composer shows instead of the From select through a Messaging Service."""
        if not self.via_service:
            return ""
        if sender := self.service_sender:
            return f"From: {sender}, the number the Messaging Service last used for them"
        return "From: the Messaging Service (Twilio picks the number)"

    @rx.var
    def route_summary(self) -> str:
        """From and To in one line, for the compact composer."""
        sender = next((c.label for c in self.from_options if c.value == self.from_number), "")
        if self.via_service:
            sender = (
                f"{self.service_sender} via the Messaging Service"
                if self.service_sender
                else "the Messaging Service"
            )
        if self.to_choice == OTHER:
            to = display_phone(self.other_e164) if self.other_e164 else "another number"
        else:
            to = next((c.label for c in self.to_options if c.value == self.to_choice), "")
        return f"From {sender or 'no number chosen'} to {to or 'no number chosen'}"

    def _show_options(self, options: ComposeOptions) -> None:
        """From and To as the interaction offers them, Other empty."""
        self.editing_route = False
        self.region, self.person_region = options.workspace_region, options.person_region or ""
        self.from_options = [
            Choice(n, f"{label} ({display_phone(n)})" if label else display_phone(n))
            for n, label in options.from_numbers
        ]
        self.via_service = options.via_service
        self.from_number = "" if options.via_service else options.default_from
        labels = {c.value: c.label for c in self.from_options}
        self.service_senders = {to: labels.get(n, n) for to, n in options.service_senders}
        self.to_options = [Choice(o.e164, o.label, not o.sendable) for o in options.to_options]
        self.to_failed = [o.e164 for o in options.to_options if o.warned and o.sendable]
        self.to_options.append(Choice(OTHER, "Other…"))
        self.to_choice = options.default_to or OTHER
        self.other_text = self.other_e164 = self.other_country = self.other_error = ""
        self.confirm = ""

    @rx.event
    async def follow_numbers(self, _key: str = "") -> None:
        """An administrator added or removed a sending number: From and its summary follow, and
        a From that was removed is let go, saying so (Send would refuse it); or set or cleared
        the channel's Messaging Service: the From select goes or comes back."""
        if not self.is_open or refusal(self, Role.AGENT):
            return
        feed = await self.get_state(ChannelFeed)
        live = [c for c in feed.numbers if c.value]
        if not live:
            return  # the feed has not been filled yet
        self.from_options = live
        if feed.via_service != self.via_service:
            await self._follow_service(feed.via_service, live)
            return
        if not self.from_number or any(c.value == self.from_number for c in live):
            return
        removed, self.from_number = self.from_number, live[0].value if len(live) == 1 else ""
        await self._preview()
        self.from_error = f"{display_phone(removed)} is no longer a sending number: " + (
            f"sending from {live[0].label} now." if self.from_number else "choose another From."
        )

    async def _follow_service(self, via_service: bool, live: list[Choice]) -> None:
        """An administrator set or cleared the channel's Messaging Service: no From to choose
        now (Twilio picks it), or the From select again, with the only number or none chosen."""
        self.via_service, self.service_senders = via_service, {}
        self.from_number = "" if via_service or len(live) > 1 else live[0].value
        self.editing_route = self.editing_route or not via_service
        await self._preview()

    @rx.event
    def edit_route(self) -> None:
        self.editing_route = True

    @rx.event
    async def set_from(self, value: str) -> None:
        if problem := typed_refusal(self, Role.AGENT, value, what="From", limit=CHOICE_CHARS):
            self.from_error = problem
            return
        self.from_number = value
        await self._preview()

    @rx.event
    async def set_to_choice(self, value: str) -> None:
        options = [c.value for c in self.to_options]
        if problem := choice_refusal(self, Role.AGENT, value, options, what="To"):
            self.error = problem
            return
        self.to_choice = value
        if value != OTHER:
            self.other_error = ""  # that cause is gone
        await self._preview()
        await self._to_changed()

    @rx.event
    async def set_other_text(self, value: str) -> None:
        """Converts what the agent typed to E.164, saying which country it read a number
        without a country code in (the person's, else the workspace's). The field reports a
        change once the agent pauses (components/composer.py): one preview per pause."""
        if problem := typed_refusal(self, Role.AGENT, value, what="The number", limit=CHOICE_CHARS):
            self.other_error = problem
            return
        self.other_text = value
        other = read_other(
            value, person_region=self.person_region or None, default_region=self.region
        )
        before = self.other_e164
        self.other_e164, self.other_country, self.other_error = (
            other.e164,
            other.country,
            other.problem,
        )
        await self._preview()
        if self.other_e164 != before:
            await self._to_changed()

    @rx.event
    async def refresh_preview(self, _version: int = 0) -> None:
        """The conversation changed (e.g. the consumer texted START): say what Send does now.
        A refusal of an earlier Send described that moment; what holds now is the preview's."""
        if self.is_open:
            self.error = ""
            await self._preview()

    def _recipient(self) -> str:
        return self.other_text if self.to_choice == OTHER else self.to_choice

    async def _preview(self, who: Role | Actor = Role.AGENT) -> None:
        """Tells the agent which workflow Send will take, before they send; every message here
        is recomputed from scratch, so one whose cause is fixed is gone."""
        self.preview = self.refusal = self.confirm = ""
        self.from_error = "" if self.from_number or self.via_service else "Choose a From number."
        if (
            self.from_error
            or not self._recipient().strip()
            or (self.to_choice == OTHER and self.other_error)
        ):
            return
        result = await self._serve(
            who,
            preview_send,
            show="refusal",
            interaction_id=self.interaction_id,
            from_number=self.from_number,
            to=self._recipient(),
        )
        if not isinstance(result, ServiceError):
            self._show_preview(result)

    def _show_preview(self, preview: Preview) -> None:
        self.preview, self.refusal, self.from_error = f"Send will {preview.plan}.", "", ""
