"""What the bot keeps about members and servers, and forgetting it, end to end."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import TutorBot
from bot.interactions.custom_ids import ForgetMe
from bot.sandbox import LoopbackDiscord
from bot.store import ServerSettings
from exercises.progress import Period
from tests.clock import ManualClock
from tests.e2e.bots import running_bot
from tests.e2e.moderators import Server, ask, click_letter, multiple_choice, server_with_bot
from tests.loopback_fixtures import Scene


@pytest.fixture
async def server(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> AsyncIterator[tuple[Server, TutorBot]]:
    async with server_with_bot(loopback, scene, manual_clock, tmp_path / "t.sqlite3") as running:
        yield running


async def leaderboard(bot: TutorBot, scene: Scene, clock: ManualClock) -> list[int]:
    board = await bot.practice.store.leaderboard(
        guild_id=scene.guild.id, period=Period.ALL_TIME, now=clock.now(), tz=clock.now().tzinfo
    )
    return [entry.member_id for entry in board]


async def test_forget_me_leaves_the_leaderboard_and_old_posts_earn_nothing(
    loopback: LoopbackDiscord, server: tuple[Server, TutorBot], manual_clock: ManualClock
) -> None:
    place, bot = server
    scene = place.scene
    post = await multiple_choice(loopback, scene)
    for member in (scene.alice, scene.bob):
        await click_letter(loopback, member, post, "B")
    before = await leaderboard(bot, scene, manual_clock)

    prompt = await ask(loopback, scene.alice, scene.channel, "forget-me")
    asked_first = prompt.content  # the message object changes when it is replaced
    confirm = ForgetMe(scene.alice.id).to_id()
    not_hers = await loopback.reply_to(
        await loopback.click(scene.bob, prompt, confirm, forged=True)
    )
    await loopback.click(scene.alice, prompt, confirm)
    done = await loopback.wait_for_message(  # the confirmation is replaced: no second click
        lambda message: message.id == prompt.id and message.content.startswith("Done")
    )
    await manual_clock.advance(60)
    after = await leaderboard(bot, scene, manual_clock)
    again = await click_letter(loopback, scene.alice, post, "B")
    stats = await ask(loopback, scene.alice, scene.channel, "stats")

    assert sorted(before) == sorted([scene.alice.id, scene.bob.id])
    assert prompt.ephemeral
    assert "This cannot be undone." in asked_first
    assert not_hers.content == "This button is for someone else. Use `/forget-me` yourself."
    assert done.content.startswith("Done: deleted 1 answers, 0 hints, 0 test runs and 0 reports.")
    assert done.buttons() == {}
    assert after == [scene.bob.id]
    assert again.content.startswith(
        "✅ Correct! This was posted before you used `/forget-me`, so here it is practice"
    )
    assert "0 points" in stats.content
    assert await leaderboard(bot, scene, manual_clock) == [scene.bob.id]


async def test_help_says_what_is_kept_and_for_how_long(
    loopback: LoopbackDiscord, server: tuple[Server, TutorBot]
) -> None:
    place, _ = server
    shown = await ask(loopback, place.scene.alice, place.scene.channel, "help")

    assert "**What the bot keeps about you**" in shown.content
    assert "30 days after the bot is removed" in shown.content
    assert "`/forget-me`" in shown.content


async def test_a_servers_data_is_gone_after_the_grace_period_unless_the_bot_returns(
    loopback: LoopbackDiscord, server: tuple[Server, TutorBot], manual_clock: ManualClock
) -> None:
    place, bot = server
    scene = place.scene
    store = bot.practice.store
    await ask(loopback, scene.moderator, scene.channel, "tutor config", forget_after_days=10)
    post = await multiple_choice(loopback, scene)
    await click_letter(loopback, scene.alice, post, "B")
    post_id = int(next(iter(post.buttons())).split(":")[2])

    # Removed and invited back within the grace period: nothing is deleted.
    await loopback.remove_bot(scene.guild)
    await asyncio.wait_for(bot.retention.wait_for("left", scene.guild.id), 5)
    await loopback.add_bot_back(scene.guild)
    await asyncio.wait_for(bot.retention.wait_for("returned", scene.guild.id), 5)
    await manual_clock.advance(timedelta(days=11).total_seconds())
    await asyncio.wait_for(bot.retention.swept_after(manual_clock.now()), 5)
    assert await store.get_post(post_id) is not None

    # Removed for good: kept for the 10 days, deleted after.
    await loopback.remove_bot(scene.guild)
    await asyncio.wait_for(bot.retention.wait_for("left", scene.guild.id), 5)
    await manual_clock.advance(timedelta(days=9).total_seconds())
    await asyncio.wait_for(bot.retention.swept_after(manual_clock.now()), 5)
    assert await store.get_post(post_id) is not None
    await manual_clock.advance(timedelta(days=1).total_seconds())
    await asyncio.wait_for(bot.retention.swept_after(manual_clock.now()), 5)

    assert ("deleted", scene.guild.id) in bot.retention.noted
    assert await store.get_post(post_id) is None
    assert await store.servers.settings(scene.guild.id) == ServerSettings(scene.guild.id)
    assert await store.servers.audit_log(scene.guild.id) == []
    stats = await store.member_stats(guild_id=scene.guild.id, member_id=scene.alice.id)
    assert stats.attempts == 0


async def test_a_server_that_removed_the_bot_while_it_was_offline_is_deleted_too(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> None:
    database = tmp_path / "t.sqlite3"
    async with server_with_bot(loopback, scene, manual_clock, database) as (_, bot):
        post = await multiple_choice(loopback, scene)
        await click_letter(loopback, scene.alice, post, "B")
    await loopback.remove_bot(scene.guild)  # no bot is connected to hear it

    async with running_bot(loopback, scene, manual_clock, database) as bot:
        await asyncio.wait_for(bot.retention.wait_for("left", scene.guild.id), 5)
        await manual_clock.advance(timedelta(days=30).total_seconds())
        await asyncio.wait_for(bot.retention.swept_after(manual_clock.now()), 5)

        assert ("deleted", scene.guild.id) in bot.retention.noted
        assert await bot.practice.store.servers.servers_kept() == frozenset()
