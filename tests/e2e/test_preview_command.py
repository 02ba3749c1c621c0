"""/preview, the sandbox's command for content authors: it posts the chosen exercise exactly
as /practice would, answers an unknown id privately with the ids that match, and exists only
for a bot started with --preview (as the sandbox starts it)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.app import TutorBot
from bot.sandbox import LoopbackDiscord
from bot.store import TutorStore
from tests.clock import ManualClock
from tests.e2e.bots import answer_id, e2e_catalog
from tests.loopback_fixtures import Scene


async def test_preview_posts_the_chosen_exercise_as_practice_would(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> None:
    async with await TutorStore.open(tmp_path / "sandbox.sqlite3") as store:
        bot = TutorBot(
            store=store,
            catalog=e2e_catalog(),
            clock=manual_clock,
            guild_ready_timeout=0.01,
            preview=True,
        )
        running = asyncio.create_task(bot.start(loopback.token))
        try:
            await asyncio.wait_for(bot.wait_until_ready(), 5)
            asked = await loopback.run_command(
                scene.alice, scene.channel, "preview", exercise="demo/return-json"
            )
            post = await loopback.reply_to(asked)
            unknown = await loopback.reply_to(
                await loopback.run_command(scene.alice, scene.channel, "preview", exercise="json")
            )
            other = await loopback.reply_to(
                await loopback.run_command(
                    scene.bob, scene.channel, "preview", exercise="demo/define-async-view"
                )
            )
            answered = await loopback.reply_to(
                await loopback.click(scene.bob, other, answer_id(other, "B"))
            )
        finally:
            await bot.close()
            await running

    assert not post.ephemeral
    assert post.embeds[0]["title"] == e2e_catalog().get("demo/return-json").title
    assert unknown.ephemeral
    assert unknown.content.startswith("There is no exercise `json`. Exercises: `demo/")
    assert "`demo/return-json`" in unknown.content
    assert answered.content.startswith("✅ Correct!")  # a post like any other


async def test_only_a_bot_started_with_preview_offers_it(tmp_path: Path) -> None:
    async with await TutorStore.open(tmp_path / "tutor.sqlite3") as store:
        clock = ManualClock()
        plain = TutorBot(store=store, catalog=e2e_catalog(), clock=clock)
        sandbox = TutorBot(store=store, catalog=e2e_catalog(), clock=clock, preview=True)

    assert plain.tree.get_command("preview") is None
    assert sandbox.tree.get_command("preview") is not None
