"""Transcript export from the interaction page: the service builds it, the browser saves it."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.models import Role
from agent_workspace.services.conversation.transcript import export_transcript
from agent_workspace.services.errors import ServiceError
from agent_workspace.state.session import SessionState


class TranscriptState(SessionState):
    """Exports the interaction in the tab's URL (never an id sent by the browser)."""

    @rx.event
    async def export(self, format: str) -> EventSpec:
        interaction_id = self._interaction_in_url()
        if interaction_id is None:
            return rx.toast.error("Open an interaction to export its transcript.")
        transcript = await self._serve(
            Role.AGENT,
            export_transcript,
            show="",
            interaction_id=interaction_id,
            format=format,
            zone=self.time_zone,
        )
        if isinstance(transcript, ServiceError):
            return rx.toast.error(transcript.message)
        return rx.download(
            data=transcript.content, filename=transcript.filename, mime_type=transcript.mime_type
        )
