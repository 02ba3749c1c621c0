"""Submitting a modal from the page: the form the bot showed (callback type 9), filled in,
comes back to the bot as a modal submission (type 5), through the loopback's own driver."""

from __future__ import annotations

from typing import Any

from bot.sandbox.loopback import LoopbackDiscord
from bot.sandbox.model import Member
from bot.sandbox.world import Interaction


async def submit(
    loopback: LoopbackDiscord, member: Member, shown_by: Interaction, values: dict[str, str]
) -> Interaction:
    """The member's submission of the form shown in answer to `shown_by`; `values` by each
    text input's custom_id. The loopback's rules apply (DriverError for a refused form)."""
    fields: dict[str, Any] = dict(values)  # each a text input's value, by its custom_id
    return await loopback.submit_modal(member, shown_by, **fields)
