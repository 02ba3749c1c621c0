"""What the page shows a member, read from the loopback Discord's state: the server, its
channels and members, the slash commands they may run, and the messages they see.

Nothing here knows the tutor's commands: the command forms come from what the bot registered.
"""

from __future__ import annotations

from typing import Any

from bot.sandbox.members import SUB_COMMAND, SUB_COMMAND_GROUP
from bot.sandbox.model import MANAGE_GUILD, Guild, Member, Message
from bot.sandbox.page.messages import message_html
from bot.sandbox.world import World

OPTION_FIELDS = (
    "name",
    "description",
    "type",
    "required",
    "choices",
    "autocomplete",
    "min_value",
    "max_value",
    "min_length",
    "max_length",
)


class UnknownMember(LookupError):
    """The page asked to act as someone who is not a member of a server here."""


def people(world: World) -> list[Member]:
    """The members one can be on the page: every member but the bot and the owner."""
    return [
        member
        for guild in world.guilds.values()
        for member in guild.members.values()
        if not member.user.bot and member.id != guild.owner_id
    ]


def member_by_id(world: World, member_id: int) -> Member:
    for member in people(world):
        if member.id == member_id:
            return member
    raise UnknownMember(f"no member {member_id} here; the page lists who you can be")


def is_moderator(guild: Guild, member: Member) -> bool:
    return bool(guild.permissions_of(member) & MANAGE_GUILD)


def visible_to(message: Message, viewer: Member) -> bool:
    return not message.deleted and (not message.ephemeral or message.visible_to == viewer.id)


def message_event(world: World, message: Message) -> dict[str, Any]:
    return {
        "id": str(message.id),
        "channel_id": str(message.channel_id),
        "deleted": message.deleted,
        "html": "" if message.deleted else message_html(world, message),
    }


def commands_for(world: World, viewer: Member) -> list[dict[str, Any]]:
    """Every command (and subcommand, as "quiz schedule") the member's client would offer."""
    guild = world.guilds[viewer.guild_id]
    granted = guild.permissions_of(viewer)
    runnable: list[dict[str, Any]] = []
    for scope in (guild.id, None):
        for command in world.commands.get(scope, []):
            needed = int(command.get("default_member_permissions") or 0)
            if command.get("type", 1) != 1 or (needed and granted & needed != needed):
                continue
            runnable.extend(_flattened(command["name"], command.get("description", ""), command))
    return sorted(runnable, key=lambda command: str(command["name"]))


def _flattened(name: str, description: str, node: dict[str, Any]) -> list[dict[str, Any]]:
    options = node.get("options") or []
    subs = [o for o in options if o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)]
    if not subs:
        plain = [{key: o[key] for key in OPTION_FIELDS if key in o} for o in options]
        return [{"name": name, "description": description, "options": plain}]
    found = []
    for sub in subs:
        found.extend(_flattened(f"{name} {sub['name']}", sub.get("description", ""), sub))
    return found


def page_state(world: World, viewer: Member, *, cursor: int, requests: int) -> dict[str, Any]:
    """All the page needs to draw itself for one member; `cursor` and `requests` say where
    its stream of changes should start, so nothing between the two is missed."""
    guild = world.guilds[viewer.guild_id]
    channels = sorted(guild.channels.values(), key=lambda channel: channel.position)
    seen = [m for m in world.messages.values() if m.guild_id == guild.id and visible_to(m, viewer)]
    return {
        "guild": {"id": str(guild.id), "name": guild.name},
        "you": str(viewer.id),
        "people": [
            {
                "id": str(member.id),
                "name": member.user.name,
                "moderator": is_moderator(world.guilds[member.guild_id], member),
            }
            for member in people(world)
        ],
        "channels": [{"id": str(c.id), "name": c.name} for c in channels],
        "roles": [
            {"id": str(role.id), "name": role.name}
            for role in guild.roles.values()
            if role.id != guild.id
        ],
        "commands": commands_for(world, viewer),
        "messages": [message_event(world, message) for message in seen],
        "cursor": cursor,
        "requests": requests,
    }
