"""Reading a channel's recent messages, and a channel being deleted.

- `GET /channels/{id}/messages?limit=&before=&after=`: newest first, as Discord answers.
- `delete_channel`: the channel is gone; sending to it answers 404 Unknown Channel.
"""

from __future__ import annotations

from aiohttp import web

from bot.sandbox.model import READ_MESSAGE_HISTORY, VIEW_CHANNEL, Channel
from bot.sandbox.recording import API_PREFIX, DiscordError, json_answer
from bot.sandbox.world import World

MAX_LIMIT = 100


class ChannelHistory:
    def __init__(self, world: World) -> None:
        self.world = world

    def routes(self) -> list[web.RouteDef]:
        return [web.get(API_PREFIX + "/channels/{channel_id}/messages", self.list_messages)]

    async def list_messages(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bot {self.world.token}":
            raise DiscordError(401, 0, "401: Unauthorized")
        channel = self.world.channels.get(int(request.match_info["channel_id"]))
        if channel is None:
            raise DiscordError(404, 10003, "Unknown Channel")
        guild = self.world.guilds[channel.guild_id]
        granted = guild.permissions_in(self.world.bot_member(guild), channel)
        if not granted & VIEW_CHANNEL:
            raise DiscordError(403, 50001, "Missing Access")
        if not granted & READ_MESSAGE_HISTORY:
            return json_answer([])  # Discord answers an empty history, not an error
        try:
            limit = int(request.query.get("limit", "50"))
            before = int(request.query["before"]) if "before" in request.query else None
            after = int(request.query["after"]) if "after" in request.query else None
        except ValueError:
            raise DiscordError(400, 50035, "Invalid Form Body") from None
        if not 1 <= limit <= MAX_LIMIT:
            raise DiscordError(400, 50035, "Invalid Form Body: limit must be 1 to 100")
        messages = [
            message
            for message in self.world.channel_messages(channel)
            if (before is None or message.id < before) and (after is None or message.id > after)
        ]
        oldest_after = after is not None and before is None  # Discord pages forwards then
        chosen = messages[:limit] if oldest_after else messages[-limit:]
        return json_answer([message.payload() for message in reversed(chosen)])


def delete_channel(world: World, channel: Channel) -> None:
    """A moderator deleted the channel: it is unknown from now on."""
    world.channels.pop(channel.id, None)
    guild = world.guilds.get(channel.guild_id)
    if guild is not None:
        guild.channels.pop(channel.id, None)
