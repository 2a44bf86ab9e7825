"""The "Export transcript" control of an interaction: text or JSON, saved by the browser."""

from __future__ import annotations

import reflex as rx

from agent_workspace.state.transcript import TranscriptState


def export_transcript_menu() -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.button("Export transcript", variant="soft", color_scheme="gray", type="button")
        ),
        rx.menu.content(
            rx.menu.item("As text (.txt)", on_click=TranscriptState.export("text")),
            rx.menu.item("As JSON (.json)", on_click=TranscriptState.export("json")),
        ),
    )
