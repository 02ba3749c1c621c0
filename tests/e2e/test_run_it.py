"""Run it, end to end: a member's click reaches the real tutor service under uvicorn, and the
private reply shows what really happened for their choice and for the correct one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.__main__ import tutor_client
from bot.custom_ids import AnswerChoice, OpenPanel, PanelChoice, RunIt, Submit
from bot.run_it import ExampleRunner
from bot.sandbox import LoopbackDiscord
from bot.settings import Settings
from bot.tutor_client import TutorClient
from config import Secret
from tests.clock import ManualClock
from tests.e2e.bots import running_bot, serving_tutor
from tests.loopback_fixtures import Scene
from tutor.config import TutorConfig

CONFIG = TutorConfig(run_timeout=5.0)
SECRET = "a shared secret"


@pytest.fixture
async def tutor_url() -> AsyncIterator[str]:
    async with serving_tutor(CONFIG) as url:
        yield url


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


async def test_run_it_works_when_the_tutor_demands_a_secret(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> None:
    """TUTOR_SECRET set for both: the bot, wired from its settings, sends it with each run."""
    guarded = TutorConfig(run_timeout=5.0, secret=Secret(SECRET))
    async with serving_tutor(guarded) as url, httpx.AsyncClient() as http:
        settings = Settings.from_environment(
            {"DISCORD_TOKEN": loopback.token, "TUTOR_URL": url, "TUTOR_SECRET": SECRET}
        )
        async with running_bot(
            loopback,
            scene,
            manual_clock,
            tmp_path / "tutor.sqlite3",
            runner=ExampleRunner(tutor_client(http, settings)),
        ):
            asked = await loopback.run_command(
                scene.alice, scene.channel, "practice", pack="demo", difficulty="medium"
            )
            post = await loopback.reply_to(asked)
            post_id = int(next(iter(post.buttons())).split(":")[2])
            feedback = await loopback.reply_to(
                await loopback.click(scene.alice, post, AnswerChoice(post_id, "C").to_id())
            )
            run = await loopback.reply_to(
                await loopback.click(scene.alice, feedback, RunIt(post_id, "C").to_id())
            )

    lines = run.content.splitlines()
    assert lines[0] == "**What really happens**"
    assert lines[1].startswith("Your choice option C: TypeError: object HttpResponse can't be")
    assert lines[2].startswith("Correct option B: 200 text/html; charset=utf-8 `Hello`")
