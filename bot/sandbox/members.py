"""What members do in a client: run a slash command, click a button. Builds the payloads.

A member can only do what Discord's client lets them: run a registered command they may see,
with its required options and allowed choices; click a button on a message they can see.
A `forged` click skips those checks, as a modified client could.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.sandbox.model import (
    USE_APPLICATION_COMMANDS,
    VIEW_CHANNEL,
    Channel,
    Member,
    Message,
    Role,
)
from bot.sandbox.world import Interaction, World

APPLICATION_COMMAND, MESSAGE_COMPONENT = 2, 3
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
USER, CHANNEL, ROLE, MENTIONABLE = 6, 7, 8, 9


class DriverError(Exception):
    """A test asked a member for something Discord's client would not let them do."""


def command_interaction(
    world: World,
    member: Member,
    channel: Channel,
    command: str,
    options: dict[str, Any],
    *,
    age: timedelta = timedelta(0),
) -> Interaction:
    name, *path = command.split()
    registered = find_command(world, channel.guild_id, name)
    guild = world.guilds[channel.guild_id]
    in_channel = guild.permissions_in(member, channel)
    if in_channel & (VIEW_CHANNEL | USE_APPLICATION_COMMANDS) != (
        VIEW_CHANNEL | USE_APPLICATION_COMMANDS
    ):
        raise DriverError(f"{member.user.name} may not use commands in #{channel.name}")
    needed = int(registered.get("default_member_permissions") or 0)
    if needed and guild.permissions_of(member) & needed != needed:
        raise DriverError(f"{member.user.name} may not see /{name}: it needs permissions {needed}")
    definitions: list[dict[str, Any]] = registered.get("options") or []
    resolved: dict[str, dict[str, Any]] = {}
    asked = definitions_at(definitions, path, command)
    values = _values(world, asked, options, resolved, Invoked(member, channel))
    data = command_data(registered, name, path, values, resolved)
    return world.new_interaction(APPLICATION_COMMAND, member, channel, data, age=age)


def click_interaction(
    world: World,
    member: Member,
    message: Message,
    custom_id: str,
    *,
    forged: bool,
    age: timedelta = timedelta(0),
) -> Interaction:
    if not forged:
        if message.deleted or (message.ephemeral and message.visible_to != member.id):
            raise DriverError(f"{member.user.name} cannot see {message!r}")
        button = message.buttons().get(custom_id)
        if button is None:
            raise DriverError(f"no button {custom_id!r} on {message!r}")
        if button.get("disabled"):
            raise DriverError(f"button {custom_id!r} is disabled")
    data = {"custom_id": custom_id, "component_type": 2}
    channel = world.channels[message.channel_id]
    interaction = world.new_interaction(MESSAGE_COMPONENT, member, channel, data, age=age)
    interaction.message_id = message.id
    return interaction


def find_command(world: World, guild_id: int, name: str) -> dict[str, Any]:
    for scope in (guild_id, None):
        for registered in world.commands.get(scope, []):
            if registered["name"] == name:
                return registered
    known = sorted(c["name"] for scope in (guild_id, None) for c in world.commands.get(scope, []))
    raise DriverError(f"/{name} is not registered here; registered: {known or 'none'}")


def definitions_at(
    definitions: list[dict[str, Any]], path: list[str], command: str
) -> list[dict[str, Any]]:
    for sub in path:
        for definition in definitions:
            if definition["name"] == sub and definition["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP):
                definitions = definition.get("options") or []
                break
        else:
            raise DriverError(f"/{command}: no subcommand {sub!r}")
    return definitions


@dataclass(frozen=True)
class Invoked:
    """Who runs a command and where: resolved permissions are computed for them there."""

    member: Member
    channel: Channel


def _values(
    world: World,
    definitions: list[dict[str, Any]],
    options: dict[str, Any],
    resolved: dict[str, dict[str, Any]],
    invoked: Invoked,
) -> list[dict[str, Any]]:
    by_name = {definition["name"]: definition for definition in definitions}
    unknown = set(options) - set(by_name)
    missing = {name for name, d in by_name.items() if d.get("required") and name not in options}
    if unknown or missing:
        raise DriverError(f"options not accepted: {sorted(unknown)}; missing: {sorted(missing)}")
    values = []
    for name, value in options.items():
        definition = by_name[name]
        choices = [choice["value"] for choice in definition.get("choices") or []]
        if choices and value not in choices:
            raise DriverError(f"option {name}={value!r} is not one of {choices}")
        wire = resolve(world, value, resolved, invoked)
        values.append({"type": definition["type"], "name": name, "value": wire})
    return values


def resolve(world: World, value: Any, resolved: dict[str, dict[str, Any]], invoked: Invoked) -> Any:
    """Users, channels and roles go by id, with the objects in `resolved` as Discord sends:
    a member with their permissions in the command's channel, a channel with the invoking
    member's permissions there."""
    guild = world.guilds[invoked.channel.guild_id]
    if isinstance(value, Member):
        permissions = guild.permissions_in(value, invoked.channel)
        member = value.payload(permissions=permissions)
        del member["user"]
        resolved.setdefault("users", {})[str(value.id)] = value.user.payload()
        resolved.setdefault("members", {})[str(value.id)] = member
        return str(value.id)
    if isinstance(value, Channel):
        permissions = guild.permissions_in(invoked.member, value)
        channel = {**value.payload(), "permissions": str(permissions)}
        resolved.setdefault("channels", {})[str(value.id)] = channel
        return str(value.id)
    if isinstance(value, Role):
        resolved.setdefault("roles", {})[str(value.id)] = value.payload()
        return str(value.id)
    return value


def interaction_payload(world: World, interaction: Interaction) -> dict[str, Any]:
    """As Discord sends it: the member's and the app's permissions computed in the channel."""
    guild = world.guilds[interaction.guild_id]
    channel = world.channels[interaction.channel_id]
    member = interaction.member
    permissions = guild.permissions_in(member, channel)
    app_permissions = guild.permissions_in(guild.members[world.bot.id], channel)
    payload: dict[str, Any] = {
        "id": str(interaction.id),
        "application_id": str(world.application_id),
        "type": interaction.kind,
        "data": interaction.data,
        "guild_id": str(guild.id),
        "guild": {"id": str(guild.id), "locale": "en-US", "features": []},
        "channel_id": str(channel.id),
        "channel": {**channel.payload(), "permissions": str(permissions)},
        "member": member.payload(permissions=permissions),
        "token": interaction.token,
        "version": 1,
        "app_permissions": str(app_permissions),
        "locale": "en-US",
        "guild_locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(guild.id)},
        "context": 0,
        "attachment_size_limit": 10 * 1024 * 1024,
    }
    if interaction.message_id is not None:
        payload["message"] = world.messages[interaction.message_id].payload()
    return payload


def command_data(
    registered: dict[str, Any],
    name: str,
    path: list[str],
    values: list[dict[str, Any]],
    resolved: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """An application command's interaction data, its options nested in their subcommands."""
    for depth in reversed(range(len(path))):
        kind = SUB_COMMAND if depth == len(path) - 1 else SUB_COMMAND_GROUP
        values = [{"type": kind, "name": path[depth], "options": values}]
    data: dict[str, Any] = {
        "id": registered["id"],
        "name": name,
        "type": registered.get("type", 1),
        "options": values,
    }
    if "guild_id" in registered:
        data["guild_id"] = registered["guild_id"]
    if resolved:
        data["resolved"] = resolved
    return data
