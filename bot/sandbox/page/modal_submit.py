"""Submitting a modal from the page: the form the bot showed (callback type 9), filled in,
comes back to the bot as a MODAL_SUBMIT interaction (type 5).

The loopback Discord's own `submit_modal` is used when it has one; otherwise this small,
generic path builds the submission: text inputs, in the rows or labels the modal had them.
"""

from __future__ import annotations

from typing import Any

from bot.sandbox.loopback import LoopbackDiscord
from bot.sandbox.members import DriverError, interaction_payload
from bot.sandbox.model import Member
from bot.sandbox.world import Interaction

MODAL_SUBMIT = 5
ACTION_ROW, TEXT_INPUT, LABEL = 1, 4, 18


async def submit(
    loopback: LoopbackDiscord, member: Member, shown_by: Interaction, values: dict[str, str]
) -> Interaction:
    own = getattr(loopback, "submit_modal", None)
    if own is not None:
        submitted: Interaction = await own(member, shown_by, **values)
        return submitted
    modal = shown_by.modal
    if modal is None:
        raise DriverError("the bot did not answer that with a form")
    if shown_by.member.id != member.id:
        raise DriverError(f"{member.user.name} did not open that form")
    components = []
    for component in modal.get("components") or []:
        if component.get("type") == LABEL:
            inner = _submitted(component.get("component") or {}, values)
            components.append({"type": LABEL, "component": inner})
        elif component.get("type") == ACTION_ROW:
            inputs = [_submitted(inner, values) for inner in component.get("components") or []]
            components.append({"type": ACTION_ROW, "components": inputs})
    data = {"custom_id": modal.get("custom_id"), "components": components}
    channel = loopback.world.channels[shown_by.channel_id]
    interaction = loopback.world.new_interaction(MODAL_SUBMIT, member, channel, data)
    interaction.message_id = shown_by.message_id  # a form opened by a button keeps its message
    payload = interaction_payload(loopback.world, interaction)
    await loopback.gateway.dispatch("INTERACTION_CREATE", payload)
    return interaction


def _submitted(component: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    if component.get("type") != TEXT_INPUT:
        raise DriverError("the sandbox fills in text inputs only")
    custom_id = str(component.get("custom_id"))
    value = values.get(custom_id, component.get("value") or "")
    low, high = component.get("min_length", 0), component.get("max_length", 4000)
    if (component.get("required", True) and not value) or (value and not low <= len(value) <= high):
        raise DriverError(f"{component.get('label', custom_id)}: {low}-{high} characters, please")
    return {"type": TEXT_INPUT, "custom_id": custom_id, "value": value}
