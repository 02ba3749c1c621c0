"""What a member does on the page, done through the loopback Discord as their client would:
run a slash command with the options typed into its form, click a button, submit a modal,
ask for autocomplete suggestions. The loopback's own rules apply (DriverError if refused).
"""

from __future__ import annotations

from typing import Any

from bot.sandbox.loopback import LoopbackDiscord
from bot.sandbox.members import DriverError, definitions_at, find_command
from bot.sandbox.model import Channel, Member, Role
from bot.sandbox.page import modal_submit
from bot.sandbox.page.state import member_by_id
from bot.sandbox.world import Interaction

STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 3, 4, 5, 6, 7, 8, 9, 10


def _channel(loopback: LoopbackDiscord, value: Any) -> Channel:
    channel = loopback.world.channels.get(_id(value, "channel"))
    if channel is None:
        raise DriverError(f"no channel {value!r}")
    return channel


def _id(value: Any, what: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise DriverError(f"{what} {value!r} is not an id") from None


def option_values(
    loopback: LoopbackDiscord, member: Member, command: str, typed: dict[str, Any]
) -> dict[str, Any]:
    """The form's text turned into option values of the types the command registered:
    numbers, booleans, and the server's members, channels and roles. Empty fields are left
    out, as the client leaves out options not filled in."""
    name, *path = command.split()
    registered = find_command(loopback.world, member.guild_id, name)
    definitions = definitions_at(registered.get("options") or [], path, command)
    kinds = {definition["name"]: definition["type"] for definition in definitions}
    guild = loopback.world.guilds[member.guild_id]
    values: dict[str, Any] = {}
    for option, text in typed.items():
        if text in ("", None):
            continue
        kind = kinds.get(option)
        if kind is None:
            raise DriverError(f"/{command} has no option {option!r}")
        values[option] = _value(kind, text, guild.members, guild.roles, loopback, option)
    return values


def _value(
    kind: int,
    text: Any,
    members: dict[int, Member],
    roles: dict[int, Role],
    loopback: LoopbackDiscord,
    option: str,
) -> Any:
    try:
        if kind == INTEGER:
            return int(text)
        if kind == NUMBER:
            return float(text)
    except ValueError:
        raise DriverError(f"option {option}: {text!r} is not a number") from None
    if kind == BOOLEAN:
        return str(text).lower() in ("true", "1", "yes", "on")
    if kind == CHANNEL:
        return _channel(loopback, text)
    if kind in (USER, ROLE, MENTIONABLE):
        wanted = _id(text, f"option {option}:")
        found: Member | Role | None = members.get(wanted) if kind != ROLE else None
        if found is None and kind != USER:
            found = roles.get(wanted)
        if found is None:
            raise DriverError(f"option {option}: no such member or role {text!r}")
        return found
    return str(text)


async def run_command(loopback: LoopbackDiscord, body: dict[str, Any]) -> Interaction:
    member = member_by_id(loopback.world, _id(body.get("as"), "member"))
    channel = _channel(loopback, body.get("channel"))
    command = str(body.get("command", "")).strip().removeprefix("/")
    options = option_values(loopback, member, command, dict(body.get("options") or {}))
    return await loopback.run_command(member, channel, command, **options)


async def click(loopback: LoopbackDiscord, body: dict[str, Any]) -> Interaction:
    member = member_by_id(loopback.world, _id(body.get("as"), "member"))
    message = loopback.world.messages.get(_id(body.get("message"), "message"))
    if message is None:
        raise DriverError(f"no message {body.get('message')!r}")
    return await loopback.click(member, message, str(body.get("custom_id", "")))


async def submit_modal(loopback: LoopbackDiscord, body: dict[str, Any]) -> Interaction:
    member = member_by_id(loopback.world, _id(body.get("as"), "member"))
    shown_by = loopback.world.interactions.get(_id(body.get("interaction"), "interaction"))
    if shown_by is None:
        raise DriverError(f"no interaction {body.get('interaction')!r}")
    values = {str(key): str(value) for key, value in dict(body.get("values") or {}).items()}
    return await modal_submit.submit(loopback, member, shown_by, values)


async def autocomplete(loopback: LoopbackDiscord, body: dict[str, Any]) -> list[dict[str, Any]]:
    """The bot's suggestions for what is typed in an option, when the loopback can ask."""
    ask = getattr(loopback, "autocomplete", None)
    if ask is None:
        return []  # this loopback Discord does not send autocomplete interactions yet
    member = member_by_id(loopback.world, _id(body.get("as"), "member"))
    channel = _channel(loopback, body.get("channel"))
    command = str(body.get("command", "")).strip().removeprefix("/")
    others = {k: v for k, v in dict(body.get("options") or {}).items() if k != body.get("option")}
    options = option_values(loopback, member, command, others)
    choices: list[dict[str, Any]] = await ask(
        member, channel, command, str(body.get("option")), str(body.get("typed", "")), **options
    )
    return choices
