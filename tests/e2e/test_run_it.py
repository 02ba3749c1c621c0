"""Run it, end to end: a member's click reaches the real tutor service under uvicorn, and the
private reply shows what really happened for their choice and for the correct one."""

from __future__ import annotations

from pathlib import Path

import httpx

from bot.custom_ids import OpenPanel, PanelChoice, RunIt, Submit
from bot.run_it import ExampleRunner
from bot.sandbox import LoopbackDiscord
from bot.tutor_client import TutorClient
from tests.clock import ManualClock
from tests.e2e.bots import running_bot
from tests.loopback_fixtures import Scene


async def test_run_it_shows_a_real_run_beside_the_correct_one(
    loopback: LoopbackDiscord,
    scene: Scene,
    manual_clock: ManualClock,
    tmp_path: Path,
    tutor_url: str,
) -> None:
    async with (
        httpx.AsyncClient() as http,
        running_bot(
            loopback,
            scene,
            manual_clock,
            tmp_path / "tutor.sqlite3",
            runner=ExampleRunner(TutorClient(http, tutor_url)),
        ),
    ):
        asked = await loopback.run_command(
            scene.alice, scene.channel, "practice", pack="demo", difficulty="easy"
        )
        post = await loopback.reply_to(asked)
        post_id = int(next(iter(post.buttons())).split(":")[2])
        alice = scene.alice
        panel = await loopback.reply_to(
            await loopback.click(alice, post, OpenPanel(post_id).to_id())
        )
        choice = PanelChoice(post_id, "_", 1, "B")
        panel = await loopback.reply_to(await loopback.click(alice, panel, choice.to_id()))
        feedback = await loopback.reply_to(
            await loopback.click(alice, panel, Submit(post_id, "B").to_id())
        )
        run = await loopback.reply_to(
            await loopback.click(alice, feedback, RunIt(post_id, "B").to_id())
        )

    assert run.ephemeral
    lines = run.content.splitlines()
    assert lines[0] == "**What really happens**"
    assert lines[1].startswith("Your choice `HttpResponse`: NameError: name 'HttpResponse'")
    assert lines[2].startswith('Correct `JsonResponse`: 200 application/json `{"message": ')
    assert loopback.ephemeral_replies(scene.bob) == []
