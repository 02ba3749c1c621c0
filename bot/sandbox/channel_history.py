"""Reading a channel's recent messages, sending with a nonce, and a channel being deleted.

- `GET /channels/{id}/messages?limit=&before=&after=`: newest first, as Discord answers.
- A message sent with `nonce` and `enforce_nonce: true` by the same author in the same channel
  within `NONCE_KEPT` returns the message created the first time, and creates nothing.
  Discord documents "the past few minutes"; the stand-in keeps them five minutes.
- `delete_channel`: the channel is gone; sending to it answers 404 Unknown Channel.
- Files sent with a message become its `attachments`; `Uploads.contents` keeps their bytes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from bot.sandbox.model import Channel, Message
from bot.sandbox.recording import API_PREFIX, DiscordError, json_answer
from bot.sandbox.world import World

NONCE_KEPT = timedelta(minutes=5)
MAX_LIMIT = 100


class Nonces:
    """What Discord remembers of messages sent with `enforce_nonce`."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._sent: dict[tuple[int, int, str], tuple[int, datetime]] = {}

    def earlier(self, channel: Channel, payload: Any) -> Message | None:
        key = self._key(channel, payload)
        if key is None or key not in self._sent:
            return None
        message_id, at = self._sent[key]
        message = self.world.messages.get(message_id)
        if self.world.clock.now() - at > NONCE_KEPT or message is None or message.deleted:
            return None
        return message

    def remember(self, channel: Channel, payload: Any, message: Message) -> None:
        key = self._key(channel, payload)
        if key is not None:
            self._sent[key] = (message.id, message.created_at)

    def _key(self, channel: Channel, payload: Any) -> tuple[int, int, str] | None:
        if not isinstance(payload, dict) or not payload.get("enforce_nonce"):
            return None
        nonce = payload.get("nonce")
        if nonce is None:
            return None
        return (self.world.bot.id, channel.id, str(nonce))


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


class Uploads:
    """Files sent with a message (multipart `files[n]`), kept so tests can open them."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.contents: dict[int, bytes] = {}

    async def receive(self, request: web.Request) -> list[dict[str, Any]]:
        """The attachments of a multipart request, as Discord describes them on the message."""
        if request.content_type != "multipart/form-data":
            return []
        form = await request.post()  # aiohttp keeps the parsed form: the recorder read it too
        attachments = []
        for name, value in form.items():
            if not name.startswith("files[") or not isinstance(value, web.FileField):
                continue
            data = value.file.read()
            attachment_id = self.world.snowflake()
            self.contents[attachment_id] = data
            attachments.append(
                {
                    "id": str(attachment_id),
                    "filename": value.filename,
                    "size": len(data),
                    "url": f"https://cdn.loopback.invalid/attachments/{attachment_id}",
                    "proxy_url": f"https://media.loopback.invalid/attachments/{attachment_id}",
                    "content_type": value.content_type,
                }
            )
        return attachments
