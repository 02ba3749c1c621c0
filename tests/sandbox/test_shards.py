"""The loopback Discord shards as Discord does: GET /gateway/bot advises the count,
IDENTIFY carries [shard_id, shard_count], each session gets the events of its guilds only,
and a wrong shard is refused with Discord's close code."""

from __future__ import annotations

import json

import aiohttp
import pytest

from bot.sandbox import LoopbackDiscord
from bot.sandbox.gateway import IDENTIFY, INVALID_SHARD, SHARDING_REQUIRED


async def identify(loopback: LoopbackDiscord, shard: list[int] | None):
    """A raw gateway connection that identifies; returns the socket and its first frames."""
    session = aiohttp.ClientSession()
    socket = await session.ws_connect(loopback.gateway_url)
    await socket.receive_json()  # HELLO
    data: dict[str, object] = {"token": loopback.token, "intents": 1}
    if shard is not None:
        data["shard"] = shard
    await socket.send_str(json.dumps({"op": IDENTIFY, "d": data}))
    return session, socket


async def frames_until_quiet(socket, count: int) -> list[dict]:
    return [await socket.receive_json(timeout=5) for _ in range(count)]


@pytest.mark.loopback_shards(2)
def test_guild_ids_spread_across_shards_on_a_clock_that_stands_still(loopback: LoopbackDiscord):
    guilds = [loopback.add_guild(f"server {number}") for number in range(6)]
    shards = [loopback.world.shard_of(guild.id) for guild in guilds]
    assert sorted(set(shards)) == [0, 1]
    assert shards.count(0) == shards.count(1) == 3


@pytest.mark.loopback_shards(2)
async def test_gateway_bot_tells_the_shard_count(loopback: LoopbackDiscord):
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{loopback.api_base}/gateway/bot") as response,
    ):
        assert (await response.json())["shards"] == 2


@pytest.mark.loopback_shards(2)
async def test_each_shard_gets_only_its_guilds(loopback: LoopbackDiscord):
    guilds = [loopback.add_guild(f"server {number}") for number in range(4)]
    on_one = {str(g.id) for g in guilds if loopback.world.shard_of(g.id) == 1}
    session, socket = await identify(loopback, [1, 2])
    try:
        ready, *creates = await frames_until_quiet(socket, 1 + len(on_one))
        assert ready["t"] == "READY"
        assert ready["d"]["shard"] == [1, 2]
        assert {guild["id"] for guild in ready["d"]["guilds"]} == on_one
        assert {frame["d"]["id"] for frame in creates} == on_one
        assert all(frame["t"] == "GUILD_CREATE" for frame in creates)
    finally:
        await socket.close()
        await session.close()


@pytest.mark.loopback_shards(2)
@pytest.mark.parametrize(
    ("shard", "code"),
    [([0, 3], INVALID_SHARD), ([2, 2], INVALID_SHARD), (None, SHARDING_REQUIRED)],
)
async def test_a_wrong_shard_is_refused_with_discords_close_code(
    loopback: LoopbackDiscord, shard, code
):
    session, socket = await identify(loopback, shard)
    try:
        closing = await socket.receive(timeout=5)
        assert closing.type is aiohttp.WSMsgType.CLOSE
        assert closing.data == code
    finally:
        await socket.close()
        await session.close()
