"""Modals: the bot answers a command or a click with a form (callback type 9), and the member
submits it, which Discord delivers as a MODAL_SUBMIT interaction (type 5).

The submitted components mirror the modal's: a text input in an action row comes back in an
action row, one in a label comes back in a label, each as `{type: 4, custom_id, value}`. The
client refuses to submit a required input left empty or a value outside its length limits.
"""

from __future__ import annotations

from typing import Any

from bot.sandbox.members import DriverError
from bot.sandbox.model import Member
from bot.sandbox.world import Interaction, World

MODAL_SUBMIT = 5
ACTION_ROW, TEXT_INPUT, LABEL = 1, 4, 18


def submit_interaction(
    world: World, member: Member, shown_by: Interaction, values: dict[str, str]
) -> Interaction:
    modal = shown_by.modal
    if modal is None:
        raise DriverError(f"{shown_by!r} was not answered with a modal")
    if shown_by.member.id != member.id:
        raise DriverError(f"{member.user.name} did not open that modal")
    unused = dict(values)
    components = []
    for component in modal.get("components") or []:
        if component.get("type") == LABEL:
            inner = _submitted(component["component"], unused)
            components.append({"type": LABEL, "id": component.get("id"), "component": inner})
        elif component.get("type") == ACTION_ROW:
            inner_list = [_submitted(inner, unused) for inner in component.get("components", [])]
            components.append({"type": ACTION_ROW, "components": inner_list})
    if unused:
        raise DriverError(f"the modal has no inputs {sorted(unused)}")
    data = {"custom_id": modal["custom_id"], "components": components}
    channel = world.channels[shown_by.channel_id]
    interaction = world.new_interaction(MODAL_SUBMIT, member, channel, data)
    interaction.message_id = shown_by.message_id  # a modal opened by a button keeps its message
    return interaction


def _submitted(component: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    if component.get("type") != TEXT_INPUT:
        raise DriverError(f"the sandbox only fills text inputs, not {component!r}")
    custom_id = component["custom_id"]
    value = values.pop(custom_id, component.get("value") or "")
    required = component.get("required", True)
    low, high = component.get("min_length", 0), component.get("max_length", 4000)
    if (required and not value) or (value and not low <= len(value) <= high):
        raise DriverError(f"input {custom_id!r} needs {low}-{high} characters, got {len(value)}")
    return {"type": TEXT_INPUT, "id": component.get("id"), "custom_id": custom_id, "value": value}
