"""Run it, end to end: a member's click reaches the real tutor service under uvicorn, and the
private reply shows what really happened for their choice; the correct one's run beside it
only once the member solved the post or used every attempt, so the answer never leaks."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import httpx

from bot.__main__ import tutor_client
from bot.errors import STALE_BUTTON
from bot.interactions.custom_ids import RunIt
from bot.practice.run_it import CORRECT_RUN_LATER, ExampleRunner
from bot.practice.tutor_client import TutorClient
from bot.sandbox import LoopbackDiscord, Member, Message
from bot.settings import Settings
from config import Secret
from exercises.shown_order import BY_POST, post_order
from tests.bot.practice.test_run_report import blocks
from tests.clock import ManualClock
from tests.e2e.bots import (
    answer_id,
    e2e_catalog,
    on_buttons,
    running_bot,
    serving_tutor,
    with_exercise,
)
from tests.loopback_fixtures import Scene
from tutor.config import TutorConfig


async def click_reply(
    loopback: LoopbackDiscord, member: Member, message: Message, custom_id: str
) -> Message:
    return await loopback.reply_to(await loopback.click(member, message, custom_id))


async def test_run_it_shows_the_correct_run_only_once_the_member_solved_it(
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
            runner=ExampleRunner(TutorClient(http, tutor_url), cooldown_seconds=0),
        ),
    ):
        asked = await loopback.run_command(
            scene.alice, scene.channel, "practice", pack="demo", difficulty="medium"
        )
        post = await loopback.reply_to(asked)  # multiple choice: B is right, A and C are wrong
        post_id = int(next(iter(post.buttons())).split(":")[2])
        alice = scene.alice
        wrong = await click_reply(loopback, alice, post, answer_id(post, "A"))
        own_only = await click_reply(
            loopback, alice, wrong, RunIt(post_id, on_buttons(post, "A")).to_id()
        )
        forged = await loopback.click(
            alice, wrong, RunIt(post_id, on_buttons(post, "B")).to_id(), forged=True
        )
        probe = await loopback.reply_to(forged)
        right = await click_reply(loopback, alice, post, answer_id(post, "B"))
        both = await click_reply(
            loopback, alice, wrong, RunIt(post_id, on_buttons(post, "A")).to_id()
        )

    assert "2 attempts left." in wrong.content
    assert own_only.ephemeral
    title, mine, *_, note = own_only.content.splitlines()
    assert title == "**What really happens with your choice**"
    shown = post_order(e2e_catalog().get("demo/define-async-view"), post_id, BY_POST).shown
    assert mine.startswith(f"Your choice option {shown('A')} · ")  # lettered as on the post
    assert blocks(own_only.content)[0].startswith("SyntaxError")
    assert note == CORRECT_RUN_LATER  # it says that only the member's choice ran
    assert f"option {shown('B')}" not in own_only.content  # neither the correct answer...
    assert "200" not in own_only.content
    assert "Hello" not in own_only.content
    assert probe.content == STALE_BUTTON  # a forged button cannot run an answer not given
    assert right.content.startswith("✅ Correct!")
    assert both.content.startswith(f"**What really happens**\nYour choice option {shown('A')} · ")
    mine, correct = blocks(both.content)
    assert mine.startswith("SyntaxError")
    assert f"\nCorrect option {shown('B')} · " in both.content
    assert correct.splitlines()[0] == "200 OK"
    assert "content-type: text/html; charset=utf-8" in correct
    assert correct.endswith("\n\nHello")
    assert loopback.ephemeral_replies(scene.bob) == []


async def test_run_it_shows_both_runs_once_every_attempt_is_used(
    loopback: LoopbackDiscord,
    scene: Scene,
    manual_clock: ManualClock,
    tmp_path: Path,
    tutor_url: str,
) -> None:
    choice = e2e_catalog().get("demo/define-async-view")
    two_tries = with_exercise(dataclasses.replace(choice, attempts=2))
    async with (
        httpx.AsyncClient() as http,
        running_bot(
            loopback,
            scene,
            manual_clock,
            tmp_path / "tutor.sqlite3",
            catalog=two_tries,
            runner=ExampleRunner(TutorClient(http, tutor_url), cooldown_seconds=0),
        ),
    ):
        asked = await loopback.run_command(
            scene.alice, scene.channel, "practice", pack="demo", difficulty="medium"
        )
        post = await loopback.reply_to(asked)
        post_id = int(next(iter(post.buttons())).split(":")[2])
        alice = scene.alice
        first = await click_reply(loopback, alice, post, answer_id(post, "A"))
        before = await click_reply(
            loopback, alice, first, RunIt(post_id, on_buttons(post, "A")).to_id()
        )
        last = await click_reply(loopback, alice, post, answer_id(post, "C"))
        after = await click_reply(
            loopback, alice, last, RunIt(post_id, on_buttons(post, "C")).to_id()
        )

    shown = post_order(two_tries.get("demo/define-async-view"), post_id, BY_POST).shown
    assert f"Correct option {shown('B')}" not in before.content
    assert "That was your last attempt." in last.content
    mine, correct = blocks(after.content)
    assert mine.startswith("TypeError")
    assert correct.startswith("200 OK")


async def test_run_it_works_when_the_tutor_demands_a_secret(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> None:
    """TUTOR_SECRET set for both: the bot, wired from its settings, sends it with each run."""
    guarded = TutorConfig(run_timeout=5.0, secret=Secret("a shared secret"))
    async with serving_tutor(guarded) as url, httpx.AsyncClient() as http:
        env = {"DISCORD_TOKEN": loopback.token, "TUTOR_URL": url, "TUTOR_SECRET": "a shared secret"}
        settings = Settings.from_environment(env)
        async with running_bot(
            loopback,
            scene,
            manual_clock,
            tmp_path / "tutor.sqlite3",
            runner=ExampleRunner(tutor_client(http, settings), cooldown_seconds=0),
        ):
            asked = await loopback.run_command(
                scene.alice, scene.channel, "practice", pack="demo", difficulty="medium"
            )
            post = await loopback.reply_to(asked)
            post_id = int(next(iter(post.buttons())).split(":")[2])
            wrong = await click_reply(loopback, scene.alice, post, answer_id(post, "C"))
            run = await click_reply(
                loopback, scene.alice, wrong, RunIt(post_id, on_buttons(post, "C")).to_id()
            )

    assert run.content.startswith("**What really happens with your choice**\nYour choice")
    assert blocks(run.content)[0].startswith("TypeError: object HttpResponse can't be")
