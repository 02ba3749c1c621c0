"""The gateway v10 over a websocket: HELLO, IDENTIFY -> READY + GUILD_CREATE, heartbeats,
RESUME with a replay of what was missed, and RECONNECT, INVALID_SESSION or a drop on demand.

A heartbeat is acknowledged after a short delay, as over a real network: discord.py's
keep-alive thread notes when it sent a heartbeat only once the send has completed, so an ACK
sent back at once could be measured against the heartbeat before, one interval earlier ("Can't
keep up ... 41.3s behind"). Tests may ask for a short interval (`heartbeat_interval`).

Sharding as Discord does it: IDENTIFY carries [shard_id, shard_count]; a session receives
the events of the guilds with (guild_id >> 22) % shard_count == shard_id (events without a
guild go to shard 0). A shard count other than the world's is refused with close code 4010
(Invalid shard), and no shard at all where several are needed with 4011 (Sharding required).
Two sessions may hold the same shard (a rolling restart); each then receives its events.

JSON text frames only: the client asks for zlib-stream, and discord.py also reads plain text.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from bot.sandbox.feed import Feed
from bot.sandbox.world import World

log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, RESUME, RECONNECT = 0, 1, 2, 6, 7
INVALID_SESSION, HELLO, HEARTBEAT_ACK = 9, 10, 11
AUTHENTICATION_FAILED = 4004
INVALID_SHARD, SHARDING_REQUIRED = 4010, 4011
HEARTBEAT_INTERVAL_SECONDS = 41.25  # what Discord says in HELLO
HEARTBEAT_ACK_DELAY_SECONDS = 0.05  # a round trip to Discord, roughly


@dataclass
class Session:
    """A gateway session: outlives its connection, so a RESUME can replay missed events."""

    id: str
    intents: int
    shard_id: int = 0
    shard_count: int = 1
    sequence: int = 0
    sent: list[dict[str, Any]] = field(default_factory=list, repr=False)
    socket: web.WebSocketResponse | None = field(default=None, repr=False)

    @property
    def connected(self) -> bool:
        return self.socket is not None and not self.socket.closed

    async def send(self, event: str, data: Any) -> None:
        self.sequence += 1
        frame = {"op": DISPATCH, "t": event, "s": self.sequence, "d": data}
        self.sent.append(frame)
        if self.connected:
            assert self.socket is not None
            await _send(self.socket, frame)


@dataclass(frozen=True)
class SessionEvent:
    kind: str  # "ready", "resumed" or "closed"
    session: Session


class Gateway:
    def __init__(
        self,
        world: World,
        *,
        heartbeat_interval: float = HEARTBEAT_INTERVAL_SECONDS,
        heartbeat_ack_delay: float = HEARTBEAT_ACK_DELAY_SECONDS,
    ) -> None:
        self.world = world
        self.url = ""  # set once the server knows its port
        self.sessions: dict[str, Session] = {}
        self.events: Feed[SessionEvent] = Feed("gateway session event")
        self.heartbeat_interval = heartbeat_interval  # said in HELLO: set before connecting
        self.heartbeat_ack_delay = heartbeat_ack_delay
        self.acks: Feed[int] = Feed("heartbeat ACK")  # how many were sent, counting this one
        self._session_ids = itertools.count(1)
        self._acking: set[asyncio.Task[None]] = set()

    @property
    def live(self) -> list[Session]:
        return [session for session in self.sessions.values() if session.connected]

    async def dispatch(self, event: str, data: Any, guild_id: int | None = None) -> None:
        """Send an event to every session of the guild's shard, as Discord does; one
        disconnected keeps it to resume."""
        shard = self.world.shard_of(guild_id) if guild_id is not None else 0
        for session in list(self.sessions.values()):
            if session.shard_id == shard:
                await session.send(event, data)

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await socket.prepare(request)
        interval_ms = round(self.heartbeat_interval * 1000)
        await _send(socket, {"op": HELLO, "d": {"heartbeat_interval": interval_ms}})
        session: Session | None = None
        try:
            async for frame in socket:
                if frame.type is not WSMsgType.TEXT:
                    break
                payload = json.loads(frame.data)
                session = await self._receive(socket, session, payload) or session
        finally:
            if session is not None and session.socket is socket:
                session.socket = None
                self.events.append(SessionEvent("closed", session))
        return socket

    async def _receive(
        self, socket: web.WebSocketResponse, session: Session | None, payload: dict[str, Any]
    ) -> Session | None:
        op = payload.get("op")
        data: dict[str, Any] = payload.get("d") or {}
        if op == HEARTBEAT:
            acking = asyncio.create_task(self._ack_later(socket))
            self._acking.add(acking)
            acking.add_done_callback(self._acking.discard)
        elif op == IDENTIFY:
            return await self._identify(socket, data)
        elif op == RESUME:
            return await self._resume(socket, data)
        else:
            log.debug("gateway op %s ignored", op)
        return None

    async def _identify(
        self, socket: web.WebSocketResponse, data: dict[str, Any]
    ) -> Session | None:
        if data.get("token") not in (self.world.token, f"Bot {self.world.token}"):
            await socket.close(code=AUTHENTICATION_FAILED, message=b"Authentication failed.")
            return None
        world = self.world
        shard = data.get("shard") or [0, 1]
        if not data.get("shard") and world.shard_count > 1:
            await socket.close(code=SHARDING_REQUIRED, message=b"Sharding required.")
            return None
        if (
            not isinstance(shard, list)
            or len(shard) != 2
            or shard[1] != world.shard_count
            or not 0 <= shard[0] < shard[1]
        ):
            await socket.close(code=INVALID_SHARD, message=b"Invalid shard.")
            return None
        session = Session(
            id=f"session-{next(self._session_ids)}",
            intents=data.get("intents", 0),
            shard_id=shard[0],
            shard_count=shard[1],
        )
        session.socket = socket
        self.sessions[session.id] = session
        guilds = [
            guild
            for guild in world.guilds.values()
            if world.has_bot(guild.id) and world.shard_of(guild.id) == session.shard_id
        ]
        await session.send(
            "READY",
            {
                "v": 10,
                "user": world.bot.payload(),
                "guilds": [{"id": str(guild.id), "unavailable": True} for guild in guilds],
                "session_id": session.id,
                "resume_gateway_url": self.url,
                "application": {"id": str(world.application_id), "flags": 0},
                "private_channels": [],
                "relationships": [],
                "shard": [session.shard_id, session.shard_count],
            },
        )
        for guild in guilds:
            await session.send("GUILD_CREATE", guild.payload())
        self.events.append(SessionEvent("ready", session))
        return session

    async def _resume(self, socket: web.WebSocketResponse, data: dict[str, Any]) -> Session | None:
        session = self.sessions.get(data.get("session_id", ""))
        if session is None or data.get("token") not in (
            self.world.token,
            f"Bot {self.world.token}",
        ):
            await _send(socket, {"op": INVALID_SESSION, "d": False})
            return None
        session.socket = socket
        seen = data.get("seq") or 0
        for frame in session.sent:
            if frame["s"] > seen:
                await _send(socket, frame)
        await session.send("RESUMED", {})
        self.events.append(SessionEvent("resumed", session))
        return session

    async def _ack_later(self, socket: web.WebSocketResponse) -> None:
        """The ACK after the network's delay: a real wait, since discord.py measures the
        round trip with its own monotonic clock in its keep-alive thread."""
        await asyncio.sleep(self.heartbeat_ack_delay)
        with contextlib.suppress(ConnectionResetError):  # the client went in the meantime
            await _send(socket, {"op": HEARTBEAT_ACK})
        self.acks.append(len(self.acks) + 1)

    async def reconnect(self) -> None:
        """Ask every connected client to reconnect and resume (op 7)."""
        for session in self.live:
            assert session.socket is not None
            await _send(session.socket, {"op": RECONNECT, "d": None})

    async def invalidate(self, *, resumable: bool = False) -> None:
        """Op 9: a non-resumable session is forgotten and the client identifies again."""
        for session in self.live:
            assert session.socket is not None
            await _send(session.socket, {"op": INVALID_SESSION, "d": resumable})
            if not resumable:
                del self.sessions[session.id]

    async def drop(self) -> None:
        """Cut every connection without a word, as a network failure would."""
        for session in self.live:
            assert session.socket is not None
            await session.socket.close(code=4000, message=b"dropped by the test")

    async def close(self) -> None:
        for acking in list(self._acking):
            acking.cancel()
        await asyncio.gather(
            *(session.socket.close() for session in self.live if session.socket is not None)
        )


async def _send(socket: web.WebSocketResponse, frame: dict[str, Any]) -> None:
    if not socket.closed:
        await socket.send_str(json.dumps(frame))
