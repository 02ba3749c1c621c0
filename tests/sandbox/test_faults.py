"""Faults injected by tests: discord.py waits out a 429 and retries; a 4xx reaches the bot."""

from __future__ import annotations

import aiohttp

from bot.sandbox import LoopbackDiscord
from tests.loopback_fixtures import LoggedErrors, Scene
from tests.sandbox.echo_bot import EchoBot


def creations(loopback: LoopbackDiscord) -> list[int | None]:
    return [
        r.status
        for r in loopback.requests
        if r.method == "POST" and r.path == f"/channels/{r.path.split('/')[2]}/messages"
    ]


async def test_a_429_on_message_creation_is_waited_out_and_retried(
    loopback: LoopbackDiscord, scene: Scene, echo_bot: EchoBot
) -> None:
    loopback.rate_limit("POST", "/channels/*/messages", retry_after=0.01)

    asked = await loopback.run_command(scene.alice, scene.channel, "announce", text="Quiz at 6")
    assert (await loopback.reply_to(asked)).content == "Announced."

    assert creations(loopback) == [429, 200]
    assert [m.content for m in loopback.messages(scene.channel)] == ["Quiz at 6"]


async def test_a_403_on_message_creation_reaches_the_bot_and_changes_nothing(
    loopback: LoopbackDiscord, scene: Scene, echo_bot: EchoBot, logged_errors: LoggedErrors
) -> None:
    loopback.fail("POST", "/channels/*/messages", status=403, code=50013)
    logged_errors.expect(r"403 Forbidden \(error code: 50013\)")

    await loopback.run_command(scene.alice, scene.channel, "announce", text="Quiz at 6")
    await loopback.wait_for_request(lambda r: r.status == 403)

    assert loopback.messages(scene.channel) == []
    assert loopback.faults.pending == []


async def test_an_unknown_route_is_a_recorded_404(loopback: LoopbackDiscord, scene: Scene) -> None:
    url = f"{loopback.api_base}/guilds/1/bans"
    async with aiohttp.ClientSession() as session, session.get(url) as answer:
        assert answer.status == 404
        assert answer.headers["Content-Type"] == "application/json"
        assert await answer.json() == {"message": "404: Not Found", "code": 0}
    assert loopback.requests[-1].path == "/guilds/1/bans"
