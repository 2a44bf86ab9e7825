"""The SMS channel's sending numbers with their labels, live in every open composer.

One shared token for the channel: an admin adding or removing a number pushes the new list to
every linked composer (web/notifier.py on ChannelChanged), so From lists follow without a
reload. A composer that still holds a number removed meanwhile is refused by Send, saying so.
"""

from __future__ import annotations

import reflex as rx

from agent_workspace.models import Role
from agent_workspace.services.access import Actor
from agent_workspace.services.channels.numbers import NumberView
from agent_workspace.state.views import Choice

CHANNEL_LINK = "channel"


class ChannelFeed(rx.SharedState):
    """The From options: value E.164, label "Support line (+1 415-555-0100)"."""

    numbers: list[Choice] = []
    key: str = ""  # the numbers in one string: composers follow when it changes

    @staticmethod
    def _may_view(actor: Actor, ident: str) -> bool:
        return actor.has(Role.AGENT)

    def _show(self, numbers: list[NumberView]) -> None:
        self.numbers = [Choice(n.e164, n.shown) for n in numbers]
        self.key = "|".join(f"{n.e164}={n.shown}" for n in numbers)
