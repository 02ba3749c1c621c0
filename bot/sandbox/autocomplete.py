"""Autocomplete: a member types in an option that has `autocomplete`, and the bot suggests.

Discord sends an APPLICATION_COMMAND_AUTOCOMPLETE interaction (type 4) with the options typed
so far, the one being typed marked `focused` and given as the typed text. The bot answers with
callback type 8 and up to 25 choices; the member sees those choices (`Interaction.choices`).
"""

from __future__ import annotations

from typing import Any

from bot.sandbox.members import (
    DriverError,
    Invoked,
    command_data,
    definitions_at,
    find_command,
    resolve,
)
from bot.sandbox.model import Channel, Member
from bot.sandbox.recording import DiscordError
from bot.sandbox.world import Interaction, World

APPLICATION_COMMAND_AUTOCOMPLETE = 4
MAX_CHOICES = 25


def autocomplete_interaction(
    world: World,
    member: Member,
    channel: Channel,
    command: str,
    focused: str,
    typed: str,
    options: dict[str, Any],
) -> Interaction:
    name, *path = command.split()
    registered = find_command(world, channel.guild_id, name)
    definitions = definitions_at(registered.get("options") or [], path, command)
    by_name = {definition["name"]: definition for definition in definitions}
    target = by_name.get(focused)
    if target is None or not target.get("autocomplete"):
        raise DriverError(f"/{command}: option {focused!r} does not autocomplete")
    unknown = set(options) - set(by_name)
    if unknown:
        raise DriverError(f"/{command}: no options {sorted(unknown)}")
    resolved: dict[str, dict[str, Any]] = {}
    values = [
        {
            "type": by_name[key]["type"],
            "name": key,
            "value": resolve(world, value, resolved, Invoked(member, channel)),
        }
        for key, value in options.items()
    ]
    values.append({"type": target["type"], "name": focused, "value": typed, "focused": True})
    data = command_data(registered, name, path, values, resolved)
    return world.new_interaction(APPLICATION_COMMAND_AUTOCOMPLETE, member, channel, data)


def check_choices(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The choices of a type-8 callback, as Discord would accept them."""
    choices = data.get("choices")
    if not isinstance(choices, list) or len(choices) > MAX_CHOICES:
        raise DiscordError(400, 50035, f"Invalid Form Body: choices must be 0-{MAX_CHOICES}")
    return choices
