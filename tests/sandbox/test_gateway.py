"""The gateway's lifecycle as discord.py meets it: reconnects, resumes, new sessions."""

from __future__ import annotations

import discord
import pytest

from bot.sandbox import LoopbackDiscord
from tests.loopback_fixtures import Scene
from tests.sandbox.conftest import start_bot, stop_bot
from tests.sandbox.echo_bot import EchoBot, Misbehave


async def answered_after(loopback: LoopbackDiscord, scene: Scene, title: str) -> str:
    asked = await loopback.run_command(scene.alice, scene.channel, "post", title=title)
    return (await loopback.reply_to(asked)).content


async def test_a_reconnect_request_is_survived_by_resuming(
    loopback: LoopbackDiscord, scene: Scene, echo_bot: EchoBot
) -> None:
    mark = loopback.session_events
    await loopback.send_reconnect()
    resumed = await loopback.wait_for_session("resumed", after=mark)

    assert await answered_after(loopback, scene, "Still here?") == "**Still here?** (easy)."
    assert len(loopback.gateway.sessions) == 1
    assert resumed.connected


async def test_events_sent_while_disconnected_are_replayed_on_resume(
    loopback: LoopbackDiscord, scene: Scene, echo_bot: EchoBot
) -> None:
    mark = loopback.session_events
    await loopback.drop_gateway()
    await loopback.wait_for_session("closed", after=mark)
    asked = await loopback.run_command(scene.alice, scene.channel, "post", title="Missed?")

    await loopback.wait_for_session("resumed", after=mark)
    assert (await loopback.reply_to(asked)).content == "**Missed?** (easy)."


async def test_an_invalid_session_makes_the_client_identify_again(
    loopback: LoopbackDiscord, scene: Scene, echo_bot: EchoBot
) -> None:
    mark = loopback.session_events
    first = next(iter(loopback.gateway.sessions))
    await loopback.invalidate_session(resumable=False)
    fresh = await loopback.wait_for_session("ready", after=mark)

    assert fresh.id != first
    assert await answered_after(loopback, scene, "New session?") == "**New session?** (easy)."


async def test_a_wrong_token_is_refused_at_login(loopback: LoopbackDiscord, scene: Scene) -> None:
    bot = EchoBot()
    with pytest.raises(discord.LoginFailure):
        await bot.start("not-the-token")
    await bot.close()
    assert loopback.requests[-1].status == 401


async def test_the_client_measures_the_network_delay_not_the_heartbeat_interval(
    loopback: LoopbackDiscord, scene: Scene, misbehave: Misbehave
) -> None:
    """An ACK sent back at once raced discord.py's keep-alive thread, which notes the send
    time only after the send: the round trip was measured from the heartbeat before, one
    interval earlier ("Can't keep up ... 41.3s behind"). Real time is the lesson here, so a
    short interval and wide margins. The thread needs the GIL to note its send, so on a busy
    machine it notes it late and the latency reads anywhere from 0 up to the ACK's delay
    (0.019 s for a 0.1 s delay in one CI run): only an interval's worth is the bug. The delay
    is long enough that the thread would have to be 0.4 s late to lose the race."""
    gateway = loopback.gateway
    gateway.heartbeat_interval, gateway.heartbeat_ack_delay = 1.0, 0.4
    bot = await start_bot(loopback, scene, misbehave)
    try:
        await gateway.acks.wait_for(lambda count: count >= 3, within=10)
        latency = bot.latency
    finally:
        await stop_bot(bot)

    assert 0 < latency < gateway.heartbeat_interval / 2
