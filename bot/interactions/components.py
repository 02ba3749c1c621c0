"""Buttons as discord.py sends them. Clicks are routed by TutorBot.on_interaction, not here.

A button carries its whole state in its custom_id (see bot.interactions.custom_ids), so a click on a
message sent before a restart works like any other. The views built here are send-only:
discord.py neither stores them nor matches their ids. (With DynamicItems it would match every
registered template against each click, rebuild a View from the clicked message and run it in
a task of its own, after which our handler parsed the id again; and every private reply's
view would wait 15 minutes in its store.) The client parses each custom_id exactly once.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import discord

from bot.render import ButtonSpec, Card


class SendOnlyView(discord.ui.View):
    """Buttons to send, never listened to by discord.py (see the module's note)."""

    def is_dispatchable(self) -> bool:
        return False

    def is_finished(self) -> bool:
        return True


def embed_for(card: Card | None) -> discord.Embed | None:
    """The card as Discord's embed; None when there is none."""
    if card is None:
        return None
    embed = discord.Embed(title=card.title, description=card.description, colour=card.colour)
    if card.author:
        embed.set_author(name=card.author)
    if card.footer:
        embed.set_footer(text=card.footer)
    return embed


def view_for(specs: Sequence[ButtonSpec]) -> discord.ui.View | None:
    """A view of our buttons; None when there are none.

    The same buttons get the same view: a send-only view is never stored, timed out or
    changed by discord.py (it only reads its components to send them), and building one
    costs more than a click's own work does (a burst's replies repeat a few button sets)."""
    return _view(tuple(specs)) if specs else None


@lru_cache(maxsize=1024)
def _view(specs: tuple[ButtonSpec, ...]) -> discord.ui.View:
    view = SendOnlyView(timeout=None)
    for spec in specs:
        view.add_item(
            discord.ui.Button(
                label=spec.label,
                custom_id=spec.custom_id,
                style=discord.ButtonStyle(spec.style),
                row=spec.row,
                disabled=spec.disabled,
            )
        )
    return view


def is_on(message: discord.Message | None, custom_id: str) -> bool:
    """Whether a button with this custom_id is on the message (a forged click's may not be)."""
    if message is None:
        return False
    for row in message.components:
        for child in getattr(row, "children", (row,)):
            if getattr(child, "custom_id", None) == custom_id:
                return True
    return False
