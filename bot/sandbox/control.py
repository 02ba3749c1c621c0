"""A minimal HTTP control API, for driving a stand-in that runs in its own process.

`python -m bot.sandbox --control` adds these routes under `/control` (never under /api/v10,
so they are not recorded as Discord requests). Benchmarks use them to act as members from
another process, so that the stand-in's work stays out of the measured bot's process:

    POST /control/ready     {"command": "practice", "sessions": 1}
                                                   waits for a bot (its Nth session) and command
    POST /control/crowd     {"count": 1000}                    -> {"members": [id, ...]}
    POST /control/command   {"member": id, "command": "practice", "options": {...}}
                                                               -> {"message": {...}} (its answer)
    POST /control/post      {"message": {...}}  (a copy, as /control/command returned it)
    POST /control/clicks    {"message": id, "clicks": [[member_id, custom_id], ...],
                             "per_second": null, "within": 30, "until": "response"}
                                                   -> what came back, see `clicks`

Every wait is bounded by `within` seconds and reports what it saw when it gives up.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import web

from bot.sandbox import members
from bot.sandbox.gateway import Gateway
from bot.sandbox.loopback import answer_of
from bot.sandbox.model import Channel, Guild, Member, Message
from bot.sandbox.recording import Recorder
from bot.sandbox.world import Interaction, World

POLL_SECONDS = 0.005
"""How often a burst looks for the answers still missing (latencies come from timestamps)."""


@dataclass
class Control:
    world: World
    gateway: Gateway
    recorder: Recorder
    guild: Guild
    channel: Channel

    def routes(self) -> list[web.RouteDef]:
        return [
            web.post("/control/ready", self.ready),
            web.post("/control/crowd", self.crowd),
            web.post("/control/command", self.command),
            web.post("/control/post", self.post),
            web.post("/control/clicks", self.clicks),
        ]

    async def ready(self, request: web.Request) -> web.Response:
        """Once a bot has identified and (if named) registered `command`."""
        body = await request.json()
        within = float(body.get("within", 30))
        command = body.get("command")
        sessions = int(body.get("sessions", 1))  # 2: a bot's restart, after its first session

        def done() -> bool:
            identified = len(self.gateway.sessions) >= sessions
            connected = identified and any(s.connected for s in self.gateway.sessions.values())
            registered = any(
                c["name"] == command for scope in self.world.commands.values() for c in scope
            )
            return connected and (command is None or registered)

        await _until(done, within, f"a bot to connect and register /{command}")
        return web.json_response({"ready": True})

    async def crowd(self, request: web.Request) -> web.Response:
        body = await request.json()
        start = len(self.guild.members)
        added = [
            self.world.add_member(self.guild, f"member{start + n}").id
            for n in range(int(body["count"]))
        ]
        return web.json_response({"members": [str(member_id) for member_id in added]})

    async def command(self, request: web.Request) -> web.Response:
        """Run a slash command as a member and return the message that answers it."""
        body = await request.json()
        member = self._member(body["member"])
        interaction = members.command_interaction(
            self.world, member, self.channel, body["command"], body.get("options") or {}
        )
        await self._deliver(interaction)
        within = float(body.get("within", 10))
        await _until(lambda: answer_of(self.world, interaction) is not None, within, "an answer")
        answer = answer_of(self.world, interaction)
        assert answer is not None
        return web.json_response({"message": _message(answer)})

    async def post(self, request: web.Request) -> web.Response:
        """A public message from the bot, a copy of `message` as another stand-in returned it
        (for a baseline bot to answer clicks on the very same message)."""
        body = await request.json()
        copied = body["message"]
        content = {key: copied[key] for key in ("content", "embeds", "components") if key in copied}
        message = self.world.post(self.channel, content)
        return web.json_response({"message": _message(message)})

    async def clicks(self, request: web.Request) -> web.Response:
        """Click as many members, at once or `per_second`; wait until each is answered.

        Returns per click the answer's latency (ms, from delivery to the initial response),
        and counts: answered (exactly one accepted initial response), unanswered, and
        answered more than once (a second initial response Discord refused). With
        `"until": "reply"` it also waits for each deferred answer's reply (an edit of
        `@original` or a followup) and returns those latencies as `replied_ms` and each
        reply's text as `replies`. A click may name its own message as a third element
        (a button on a member's private reply); `answers` are each click's answer message.
        """
        body = await request.json()
        within = float(body.get("within", 30))
        loop = asyncio.get_running_loop()
        sent, delivered_at = await self._click_all(body, loop)
        waiting = [interaction for interaction, _ in sent]
        with contextlib.suppress(TimeoutError):  # reported below as unanswered
            await _until(lambda: not _unanswered(waiting), within, "every answer")
        replied_ms: list[float] = []
        if body.get("until") == "reply":
            waiting = [interaction for interaction, _ in sent]

            def replied() -> bool:
                for interaction in [i for i in waiting if i.webhook_calls]:
                    replied_ms.append(1000 * (loop.time() - delivered_at[interaction.id]))
                    waiting.remove(interaction)
                return not waiting

            with contextlib.suppress(TimeoutError):  # those missing: fewer replied_ms
                await _until(replied, within, "every reply")
        return web.json_response(self._outcome(sent, replied_ms))

    async def _click_all(
        self, body: dict[str, Any], loop: asyncio.AbstractEventLoop
    ) -> tuple[list[tuple[Interaction, datetime]], dict[int, float]]:
        """Deliver every click of `body`, paced at `per_second` if given: each click with the
        moment it was sent (the bot's clock) and when it was delivered (the loop's)."""
        message = self.world.messages[int(body["message"])]
        rate = body.get("per_second")
        sent: list[tuple[Interaction, datetime]] = []
        delivered_at: dict[int, float] = {}
        first = loop.time()
        for n, (member_id, custom_id, *on) in enumerate(body["clicks"]):
            if rate:
                await asyncio.sleep(max(0.0, first + n / float(rate) - loop.time()))
            clicked = self.world.messages[int(on[0])] if on else message
            interaction = members.click_interaction(
                self.world, self._member(member_id), clicked, custom_id, forged=False
            )
            sent.append((interaction, self.world.clock.now()))
            delivered_at[interaction.id] = loop.time()
            await self._deliver(interaction)
        return sent, delivered_at

    def _outcome(
        self, sent: list[tuple[Interaction, datetime]], replied_ms: list[float]
    ) -> dict[str, Any]:
        responses = _callbacks(self.recorder, {interaction.id for interaction, _ in sent})
        latencies = [
            (interaction.responded_at - at).total_seconds() * 1000
            for interaction, at in sent
            if interaction.responded_at is not None
        ]
        answered_at = [i.responded_at for i, _ in sent if i.responded_at is not None]
        seconds = (max(answered_at) - sent[0][1]).total_seconds() if answered_at else None
        return {
            "sent": len(sent),
            "answered": sum(responses.get(i.id, 0) == 1 and i.acknowledged for i, _ in sent),
            "unanswered": sum(not i.acknowledged for i, _ in sent),
            "answered_twice": sum(count > 1 for count in responses.values()),
            "deferred": sum(i.response_type in (5, 6) for i, _ in sent),
            "latencies_ms": sorted(latencies),
            "answers": [interaction.original_id for interaction, _ in sent],
            "replied_ms": sorted(replied_ms),
            "replies": [_reply_text(self.world, i) for i, _ in sent] if replied_ms else [],
            "seconds": seconds,
        }

    def _member(self, member_id: int | str) -> Member:
        return self.guild.members[int(member_id)]

    async def _deliver(self, interaction: Interaction) -> None:
        payload = members.interaction_payload(self.world, interaction)
        await self.gateway.dispatch("INTERACTION_CREATE", payload)


def _reply_text(world: World, interaction: Interaction) -> str:
    """What the member reads as the answer to a deferred click: @original, or a followup."""
    for message_id in (interaction.original_id, *interaction.followup_ids):
        message = world.messages.get(message_id) if message_id is not None else None
        if message is not None and message.content:
            return message.content
    return ""


def _unanswered(waiting: list[Interaction]) -> list[Interaction]:
    waiting[:] = [interaction for interaction in waiting if not interaction.acknowledged]
    return waiting


def _callbacks(recorder: Recorder, ids: set[int]) -> dict[int, int]:
    """How many initial responses each interaction got (refused second ones included)."""
    counts: dict[int, int] = {}
    for recorded in recorder.requests.items:
        parts = recorded.path.split("/")  # /interactions/{id}/{token}/callback
        if len(parts) == 5 and parts[1] == "interactions" and parts[4] == "callback":
            interaction_id = int(parts[2])
            if interaction_id in ids:
                counts[interaction_id] = counts.get(interaction_id, 0) + 1
    return counts


def _message(message: Message) -> dict[str, Any]:
    return {
        "id": str(message.id),
        "content": message.content,
        "embeds": message.embeds,
        "components": message.components,
        "custom_ids": list(message.buttons()),
        "ephemeral": message.ephemeral,
    }


async def _until(done: Any, within: float, what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    for _ in itertools.count():
        if done():
            return
        if loop.time() >= deadline:
            raise TimeoutError(f"waited {within} s for {what}")
        await asyncio.sleep(POLL_SECONDS)
