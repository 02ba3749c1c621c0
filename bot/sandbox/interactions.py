"""Answers to interactions: the initial callback, follow-ups and the original response.

Discord's rules live here: one initial response per interaction, within 3 seconds of its
creation; follow-ups and edits of the original within 15 minutes; an ephemeral reply is seen
by the member who caused it only. Time is the world's clock, so tests decide what is late.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, TypeGuard

from aiohttp import web

from bot.sandbox.attachments import attach
from bot.sandbox.autocomplete import APPLICATION_COMMAND_AUTOCOMPLETE, check_choices
from bot.sandbox.modals import MODAL_SUBMIT
from bot.sandbox.model import EPHEMERAL, LOADING, Message
from bot.sandbox.recording import API_PREFIX, RECORDED, DiscordError, json_answer
from bot.sandbox.rest import UNKNOWN_MESSAGE, message_body
from bot.sandbox.world import Interaction, World

INITIAL_RESPONSE_WINDOW = timedelta(seconds=3)
TOKEN_LIFETIME = timedelta(minutes=15)

MESSAGE_WITH_SOURCE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE = 4, 5, 6, 7
AUTOCOMPLETE, MODAL = 8, 9
COMPONENT_ONLY = {DEFERRED_UPDATE, UPDATE_MESSAGE}
KNOWN_TYPES = {
    MESSAGE_WITH_SOURCE,
    DEFERRED_MESSAGE,
    DEFERRED_UPDATE,
    UPDATE_MESSAGE,
    AUTOCOMPLETE,
    MODAL,
}

UNKNOWN_INTERACTION = DiscordError(404, 10062, "Unknown interaction")
ALREADY_ACKNOWLEDGED = DiscordError(400, 40060, "Interaction has already been acknowledged.")
UNKNOWN_WEBHOOK = DiscordError(404, 10015, "Unknown Webhook")


def _allowed(kind: Any, interaction: Interaction) -> TypeGuard[int]:
    """Autocomplete is answered with choices only; updating a message needs a message (a click,
    or a modal opened by one); a modal cannot answer a modal or an autocomplete."""
    if kind not in KNOWN_TYPES:
        return False
    if interaction.kind == APPLICATION_COMMAND_AUTOCOMPLETE or kind == AUTOCOMPLETE:
        return interaction.kind == APPLICATION_COMMAND_AUTOCOMPLETE and kind == AUTOCOMPLETE
    if kind in COMPONENT_ONLY:
        return interaction.kind == 3 or (
            interaction.kind == MODAL_SUBMIT and interaction.message_id is not None
        )
    return not (kind == MODAL and interaction.kind == MODAL_SUBMIT)


class Interactions:
    def __init__(self, world: World) -> None:
        self.world = world

    def routes(self) -> list[web.RouteDef]:
        webhook = API_PREFIX + "/webhooks/{application_id}/{token}"
        message = webhook + "/messages/{message_id}"
        return [
            web.post(API_PREFIX + "/interactions/{id}/{token}/callback", self.callback),
            web.post(webhook, self.follow_up),
            web.get(message, self.get_message),
            web.patch(message, self.edit_message),
            web.delete(message, self.delete_message),
        ]

    async def callback(self, request: web.Request) -> web.Response:
        interaction = self.world.interactions.get(int(request.match_info["id"]))
        if interaction is None or interaction.token != request.match_info["token"]:
            raise UNKNOWN_INTERACTION
        if interaction.acknowledged:
            raise ALREADY_ACKNOWLEDGED
        if self.world.clock.now() - interaction.created_at > INITIAL_RESPONSE_WINDOW:
            raise UNKNOWN_INTERACTION
        body = request[RECORDED].body
        kind = body.get("type") if isinstance(body, dict) else None
        if not _allowed(kind, interaction):
            raise DiscordError(400, 50035, f"Invalid Form Body: callback type {kind!r} here")
        data = body.get("data") or {}
        interaction.response_type = kind  # before the change is announced to waiting tests
        interaction.responded_at = self.world.clock.now()
        try:
            message = self._respond(interaction, kind, data, request)
        except DiscordError:
            interaction.response_type = interaction.responded_at = None
            raise
        answer: dict[str, Any] = {
            "interaction": {
                "id": str(interaction.id),
                "type": interaction.kind,
                "response_message_id": str(message.id) if message else None,
                "response_message_loading": kind == DEFERRED_MESSAGE,
                "response_message_ephemeral": bool(message and message.ephemeral),
            }
        }
        if message is not None:
            answer["resource"] = {"type": kind, "message": message.payload()}
        return json_answer(answer)

    def _respond(
        self, interaction: Interaction, kind: int, data: dict[str, Any], request: web.Request
    ) -> Message | None:
        world = self.world
        channel = world.channels[interaction.channel_id]
        ephemeral = bool((data.get("flags") or 0) & EPHEMERAL)
        visible_to = interaction.member.id if ephemeral else None
        if kind == MESSAGE_WITH_SOURCE:
            body = message_body(data)
            attach(world, request, body, channel.id)
        elif kind == DEFERRED_MESSAGE:
            body = {"content": "", "flags": LOADING | (EPHEMERAL if ephemeral else 0)}
        elif kind == UPDATE_MESSAGE:
            clicked = world.messages[interaction.message_id or 0]
            changes = message_body(data, editing=True)
            attach(world, request, changes, clicked.channel_id, editing=clicked)
            interaction.clicked_message_updated = True  # before the change is announced
            world.edit(clicked, changes)
            return clicked
        else:
            if kind == MODAL:
                interaction.modal = data
            elif kind == AUTOCOMPLETE:
                interaction.choices = check_choices(data)
            return None
        message = world.post(channel, body, visible_to=visible_to, interaction_id=interaction.id)
        interaction.original_id = message.id
        return message

    def _live(self, request: web.Request) -> Interaction:
        """The interaction a webhook token belongs to, refused once its 15 minutes are over."""
        if int(request.match_info["application_id"]) != self.world.application_id:
            raise UNKNOWN_WEBHOOK
        token = request.match_info["token"]
        for interaction in self.world.interactions.values():
            if interaction.token == token:
                break
        else:
            raise UNKNOWN_WEBHOOK
        if self.world.clock.now() - interaction.created_at > TOKEN_LIFETIME:
            raise UNKNOWN_INTERACTION
        if not interaction.acknowledged:
            raise UNKNOWN_WEBHOOK
        return interaction

    def _message(self, request: web.Request, interaction: Interaction) -> Message:
        wanted = request.match_info["message_id"]
        if wanted == "@original":
            message_id = interaction.original_id
            if message_id is None and interaction.response_type in COMPONENT_ONLY:
                message_id = interaction.message_id  # the message the button is on
        else:
            message_id = int(wanted)
            if message_id not in (interaction.original_id, *interaction.followup_ids):
                message_id = None
        message = self.world.messages.get(message_id or 0)
        if message is None or message.deleted:
            raise UNKNOWN_MESSAGE
        return message

    async def follow_up(self, request: web.Request) -> web.Response:
        interaction = self._live(request)
        interaction.webhook_calls.append("POST")
        body = message_body(request[RECORDED].body)
        attach(self.world, request, body, interaction.channel_id)
        original = self.world.messages.get(interaction.original_id or 0)
        if original is not None and original.loading and not interaction.followup_ids:
            # the first follow-up after "thinking..." replaces the loading message
            self.world.edit(original, {**body, "flags": original.flags & EPHEMERAL})
            message = original
        else:
            ephemeral = bool((body.get("flags") or 0) & EPHEMERAL)
            message = self.world.post(
                self.world.channels[interaction.channel_id],
                body,
                visible_to=interaction.member.id if ephemeral else None,
                interaction_id=interaction.id,
            )
        interaction.followup_ids.append(message.id)
        if request.query.get("wait") in ("true", "1", "True"):
            return json_answer(message.payload())
        return web.Response(status=204)

    async def get_message(self, request: web.Request) -> web.Response:
        interaction = self._live(request)
        return json_answer(self._message(request, interaction).payload())

    async def edit_message(self, request: web.Request) -> web.Response:
        interaction = self._live(request)
        message = self._message(request, interaction)
        interaction.webhook_calls.append(f"PATCH {request.match_info['message_id']}")
        changes = message_body(request[RECORDED].body, editing=True)
        attach(self.world, request, changes, message.channel_id, editing=message)
        if message.loading:
            changes["flags"] = message.flags & EPHEMERAL | (changes.get("flags") or 0) & ~LOADING
        if message.id == interaction.message_id:
            interaction.clicked_message_updated = True  # before the change is announced
        self.world.edit(message, changes)
        return json_answer(message.payload())

    async def delete_message(self, request: web.Request) -> web.Response:
        interaction = self._live(request)
        interaction.webhook_calls.append(f"DELETE {request.match_info['message_id']}")
        self.world.delete(self._message(request, interaction))
        return web.Response(status=204)
