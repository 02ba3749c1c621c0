"""`/tutor items`: a moderator reads how each exercise fares on the server, privately, with
a chart; a member who is not a moderator is refused. End to end through the loopback."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PIL import Image

from bot.app import TutorBot
from bot.sandbox import LoopbackDiscord
from tests.clock import ManualClock
from tests.e2e.moderators import (
    Server,
    ask,
    click_letter,
    known_to_the_bot,
    let_everyone_see,
    multiple_choice,
    server_with_bot,
)
from tests.loopback_fixtures import Scene


@pytest.fixture
async def server(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> AsyncIterator[tuple[Server, TutorBot]]:
    async with server_with_bot(loopback, scene, manual_clock, tmp_path / "t.sqlite3") as running:
        yield running


async def test_a_moderator_reads_each_exercise_with_a_chart_and_a_member_is_refused(
    loopback: LoopbackDiscord, server: tuple[Server, TutorBot], manual_clock: ManualClock
) -> None:
    place, bot = server
    scene = place.scene
    nothing_yet = await ask(loopback, scene.moderator, scene.channel, "tutor items", pack="demo")
    post = await known_to_the_bot(bot, await multiple_choice(loopback, scene))
    carol = loopback.add_member(scene.guild, "carol")
    await manual_clock.advance(30)
    # Three options, one member on each: whatever the order shown, one in three is right.
    for member, letter in ((scene.alice, "A"), (scene.bob, "B"), (carol, "C")):
        await click_letter(loopback, member, post, letter)

    listed = await ask(loopback, scene.moderator, scene.channel, "tutor items", pack="demo")
    suggested = await loopback.autocomplete(
        scene.moderator, scene.channel, "tutor items", "pack", "de"
    )
    let_everyone_see(loopback, scene, "tutor")
    refused = await ask(loopback, scene.alice, scene.channel, "tutor items")

    assert nothing_yet.content == "No exercise of demo has been posted on this server yet."
    assert listed.ephemeral
    line = next(row for row in listed.content.splitlines() if "demo/define-async-view" in row)
    assert line.startswith("`demo/define-async-view` medium: 3 members, 33% · 33% · 0% · ")
    assert line.endswith(" 33% · 30 s, 0 reports")  # a wrong option picked by one in three
    (attachment,) = listed.payload()["attachments"]
    assert attachment["filename"] == "items.png"
    chart = Image.open(io.BytesIO(loopback.world.attachments[int(attachment["id"])].data))
    assert (chart.format, chart.width) == ("PNG", 480)
    assert {"name": "demo", "value": "demo"} in suggested
    assert refused.ephemeral
    assert refused.content.startswith("Only moderators can do this")
    assert "attachments" not in refused.payload() or not refused.payload()["attachments"]
