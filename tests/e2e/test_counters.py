"""The public counters follow the answers with a handful of coalesced edits, not one per click."""

from __future__ import annotations

from pathlib import Path

from bot.sandbox import LoopbackDiscord
from tests.clock import ManualClock
from tests.e2e.bots import answer_id, running_bot
from tests.loopback_fixtures import Scene


async def test_fifty_answers_in_a_few_seconds_cause_a_handful_of_edits(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> None:
    members = [loopback.add_member(scene.guild, f"learner{n}") for n in range(50)]
    async with running_bot(loopback, scene, manual_clock, tmp_path / "tutor.sqlite3"):
        asked = await loopback.run_command(
            scene.alice, scene.channel, "practice", pack="demo", difficulty="medium"
        )
        post = await loopback.reply_to(asked)
        for number, member in enumerate(members):
            letter = "B" if number % 2 == 0 else "A"  # half of them solve it
            clicked = await loopback.click(member, post, answer_id(post, letter))
            await loopback.reply_to(clicked)
            await manual_clock.advance(0.06)  # 50 answers in three seconds
        await manual_clock.advance(5.0)
        edited = await loopback.wait_for_message(
            lambda message: message.id == post.id and "50 members" in str(message.embeds)
        )

    edits = len(edited.history)
    assert 1 <= edits <= 3, edits
    assert edited.embeds[0]["footer"]["text"] == (
        "50 members have answered · 25 solved · 3 attempts each"
    )
