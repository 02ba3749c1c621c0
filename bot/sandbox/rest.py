"""REST routes a bot calls with its token: who am I, application commands, channel messages.

Keeps Discord's rules that a bot meets here: a valid token, a known channel, View Channel and
Send Messages there to post, and editing or deleting only the bot's own messages. Ephemeral
replies are not reachable by channel.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.sandbox.attachments import attach
from bot.sandbox.model import ATTACH_FILES, SEND_MESSAGES, VIEW_CHANNEL, Channel, Message
from bot.sandbox.nonces import Nonces
from bot.sandbox.recording import API_PREFIX, RECORDED, DiscordError, json_answer
from bot.sandbox.uploads import UPLOADS
from bot.sandbox.world import World

UNKNOWN_CHANNEL = DiscordError(404, 10003, "Unknown Channel")
UNKNOWN_MESSAGE = DiscordError(404, 10008, "Unknown Message")
MISSING_ACCESS = DiscordError(403, 50001, "Missing Access")
MISSING_PERMISSIONS = DiscordError(403, 50013, "Missing Permissions")
MESSAGE_FIELDS = ("content", "embeds", "components", "flags", "allowed_mentions", "attachments")


def message_body(payload: Any, *, editing: bool = False) -> dict[str, Any]:
    """The parts of a request body that become the message members see."""
    if not isinstance(payload, dict):
        raise DiscordError(400, 50006, "Cannot send an empty message")
    body = {key: payload[key] for key in MESSAGE_FIELDS if key in payload}
    body.pop("allowed_mentions", None)
    shown = ("content", "embeds", "components", "attachments")
    if not editing and not any(body.get(key) for key in shown):
        raise DiscordError(400, 50006, "Cannot send an empty message")
    return body


class Rest:
    def __init__(self, world: World) -> None:
        self.world = world
        self.nonces = Nonces(world.clock)

    def routes(self) -> list[web.RouteDef]:
        api = API_PREFIX
        commands = api + "/applications/{application_id}/commands"
        guild_commands = api + "/applications/{application_id}/guilds/{guild_id}/commands"
        message = api + "/channels/{channel_id}/messages/{message_id}"
        return [
            web.get(api + "/users/@me", self.me),
            web.get(api + "/oauth2/applications/@me", self.application),
            web.get(commands, self.list_commands),
            web.put(commands, self.overwrite_commands),
            web.get(guild_commands, self.list_commands),
            web.put(guild_commands, self.overwrite_commands),
            web.post(api + "/channels/{channel_id}/messages", self.create_message),
            web.get(message, self.get_message),
            web.patch(message, self.edit_message),
            web.delete(message, self.delete_message),
        ]

    def authorize(self, request: web.Request) -> None:
        if request.headers.get("Authorization") != f"Bot {self.world.token}":
            raise DiscordError(401, 0, "401: Unauthorized")

    async def me(self, request: web.Request) -> web.Response:
        self.authorize(request)
        return json_answer({**self.world.bot.payload(), "verified": True, "mfa_enabled": False})

    async def application(self, request: web.Request) -> web.Response:
        self.authorize(request)
        bot = self.world.bot
        return json_answer(
            {
                "id": str(self.world.application_id),
                "name": bot.name,
                "icon": None,
                "description": "",
                "bot_public": False,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "flags": 0,
                "owner": {**bot.payload(), "bot": False, "username": "owner"},
                "team": None,
                "bot": bot.payload(),
            }
        )

    def _scope(self, request: web.Request) -> int | None:
        self.authorize(request)
        if int(request.match_info["application_id"]) != self.world.application_id:
            raise DiscordError(403, 50001, "Missing Access")
        guild_id = request.match_info.get("guild_id")
        if guild_id is None:
            return None
        if int(guild_id) not in self.world.guilds:
            raise DiscordError(403, 50001, "Missing Access")
        return int(guild_id)

    async def list_commands(self, request: web.Request) -> web.Response:
        return json_answer(self.world.commands.get(self._scope(request), []))

    async def overwrite_commands(self, request: web.Request) -> web.Response:
        scope = self._scope(request)
        body = request[RECORDED].body
        if not isinstance(body, list):
            raise DiscordError(400, 50035, "Invalid Form Body")
        registered = []
        for command in body:
            registered.append(
                {
                    **command,
                    "id": str(self.world.snowflake()),
                    "application_id": str(self.world.application_id),
                    "type": command.get("type", 1),
                    "version": str(self.world.snowflake()),
                    "default_member_permissions": command.get("default_member_permissions"),
                    "options": command.get("options", []),
                    **({"guild_id": str(scope)} if scope is not None else {}),
                }
            )
        self.world.commands[scope] = registered
        return json_answer(registered)

    def _channel(self, request: web.Request) -> Channel:
        self.authorize(request)
        channel = self.world.channels.get(int(request.match_info["channel_id"]))
        if channel is None:
            raise UNKNOWN_CHANNEL
        return channel

    def _message(self, request: web.Request) -> Message:
        channel = self._channel(request)
        message = self.world.visible_message(channel.id, int(request.match_info["message_id"]))
        if message is None:
            raise UNKNOWN_MESSAGE
        return message

    async def create_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        guild = self.world.guilds[channel.guild_id]
        granted = guild.permissions_in(self.world.bot_member(guild), channel)
        if not granted & VIEW_CHANNEL:
            raise MISSING_ACCESS
        if not granted & SEND_MESSAGES:
            raise MISSING_PERMISSIONS
        self._may_upload(request, channel)
        sent = request[RECORDED].body
        body = message_body(sent)
        if body.get("flags", 0) & 64:
            raise DiscordError(400, 50035, "Invalid Form Body: only interactions reply ephemerally")
        nonce = self.nonces.key(channel.id, self.world.bot.id, sent)
        echo = {"nonce": sent["nonce"]} if sent.get("nonce") is not None else {}
        earlier = self.world.messages.get(self.nonces.seen(nonce) or 0)
        if earlier is not None and not earlier.deleted:
            return json_answer({**earlier.payload(), **echo})  # the same message, not a new one
        attach(self.world, request, body, channel.id)
        message = self.world.post(channel, body)
        self.nonces.remember(nonce, message.id)
        return json_answer({**message.payload(), **echo})

    def _may_upload(self, request: web.Request, channel: Channel) -> None:
        """Files in a channel message need Attach Files there (interaction replies do not)."""
        if not request.get(UPLOADS):
            return
        guild = self.world.guilds[channel.guild_id]
        if not guild.permissions_in(self.world.bot_member(guild), channel) & ATTACH_FILES:
            raise MISSING_PERMISSIONS

    async def get_message(self, request: web.Request) -> web.Response:
        return json_answer(self._message(request).payload())

    async def edit_message(self, request: web.Request) -> web.Response:
        message = self._message(request)
        if message.author.id != self.world.bot.id:
            raise DiscordError(403, 50005, "Cannot edit a message authored by another user")
        changes = message_body(request[RECORDED].body, editing=True)
        self._may_upload(request, self.world.channels[message.channel_id])
        attach(self.world, request, changes, message.channel_id, editing=message)
        self.world.edit(message, changes)
        return json_answer(message.payload())

    async def delete_message(self, request: web.Request) -> web.Response:
        message = self._message(request)
        if message.author.id != self.world.bot.id:
            raise DiscordError(403, 50013, "Missing Permissions")
        self.world.delete(message)
        return web.Response(status=204)
