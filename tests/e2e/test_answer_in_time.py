"""Every kind of answer reaches the member both when the work is fast and when the interaction
was already 2.9 s old on arrival (it waited in a backlog): answered at once with callback type
4 or 7, or deferred with 5 or 6 and completed by the webhook call that Discord then expects.

The bot and the loopback share the test clock, so "old" is what Discord's clock says; a bot
whose clock is far off Discord's still answers fast clicks at once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from bot.app import TutorBot
from bot.interactions.custom_ids import Hint, OpenPanel, PanelChoice, RunIt, Submit
from bot.practice.run_it import ExampleRunner
from bot.practice.tutor_client import TutorClient
from bot.sandbox import Interaction, LoopbackDiscord, Message
from bot.sandbox.interactions import (
    DEFERRED_MESSAGE,
    DEFERRED_UPDATE,
    MESSAGE_WITH_SOURCE,
    UPDATE_MESSAGE,
)
from tests.clock import ManualClock
from tests.e2e.bots import answer_id, on_buttons, practice, running_bot
from tests.loopback_fixtures import Scene

FRESH, BACKLOGGED = 0.0, 2.9
AGES = pytest.mark.parametrize("age", [FRESH, BACKLOGGED], ids=["fast", "old on arrival"])


@pytest.fixture
async def bot(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> AsyncIterator[TutorBot]:
    async with running_bot(loopback, scene, manual_clock, tmp_path / "tutor.sqlite3") as bot:
        yield bot


def post_id_of(post: Message) -> int:
    return int(next(iter(post.buttons())).split(":")[2])


def answered_at_once(interaction: Interaction, callback_type: int) -> None:
    assert interaction.response_type == callback_type
    assert interaction.webhook_calls == []


def deferred_then_completed(interaction: Interaction, callback_type: int, completion: str) -> None:
    assert interaction.response_type == callback_type
    assert interaction.webhook_calls == [completion]


@AGES
async def test_a_public_post_is_deferred_by_design_then_sent(
    loopback: LoopbackDiscord, scene: Scene, bot: TutorBot, age: float
) -> None:
    asked = await loopback.run_command(
        scene.alice, scene.channel, "practice", pack="demo", difficulty="medium", age=age
    )
    post = await loopback.reply_to(asked)

    assert not post.ephemeral
    assert post.embeds[0]["title"]
    deferred_then_completed(asked, DEFERRED_MESSAGE, "POST")  # /practice defers on purpose


@AGES
async def test_a_private_reply(
    loopback: LoopbackDiscord, scene: Scene, bot: TutorBot, age: float
) -> None:
    post = await practice(loopback, scene, "medium")

    clicked = await loopback.click(scene.alice, post, answer_id(post, "B"), age=age)
    feedback = await loopback.reply_to(clicked)

    assert feedback.ephemeral
    assert "✅ Correct!" in feedback.content
    if age == FRESH:
        answered_at_once(clicked, MESSAGE_WITH_SOURCE)
    else:
        deferred_then_completed(clicked, DEFERRED_MESSAGE, "POST")


@AGES
async def test_the_panel_replaced_in_place(
    loopback: LoopbackDiscord, scene: Scene, bot: TutorBot, age: float
) -> None:
    post = await practice(loopback, scene, "easy")
    post_id = post_id_of(post)
    panel = await loopback.reply_to(
        await loopback.click(scene.alice, post, OpenPanel(post_id).to_id())
    )

    clicked = await loopback.click(
        scene.alice, panel, PanelChoice(post_id, "_", 1, on_buttons(post, "B")).to_id(), age=age
    )
    updated = await loopback.reply_to(clicked)

    assert updated.id == panel.id  # the same private message, edited
    assert Submit(post_id, on_buttons(post, "B")).to_id() in updated.buttons()
    if age == FRESH:
        answered_at_once(clicked, UPDATE_MESSAGE)
    else:
        deferred_then_completed(clicked, DEFERRED_UPDATE, "PATCH @original")


@AGES
async def test_a_hint(loopback: LoopbackDiscord, scene: Scene, bot: TutorBot, age: float) -> None:
    post = await practice(loopback, scene, "medium")

    clicked = await loopback.click(scene.alice, post, Hint(post_id_of(post)).to_id(), age=age)
    hint = await loopback.reply_to(clicked)

    assert hint.ephemeral
    assert hint.content.startswith("💡 Hint 1 of 1")
    if age == FRESH:
        answered_at_once(clicked, MESSAGE_WITH_SOURCE)
    else:
        deferred_then_completed(clicked, DEFERRED_MESSAGE, "POST")


@AGES
async def test_a_refusal(
    loopback: LoopbackDiscord, scene: Scene, bot: TutorBot, age: float
) -> None:
    post = await practice(loopback, scene, "medium")
    await loopback.reply_to(await loopback.click(scene.alice, post, answer_id(post, "B")))

    clicked = await loopback.click(scene.alice, post, answer_id(post, "C"), age=age)
    refused = await loopback.reply_to(clicked)

    assert refused.ephemeral
    assert "already" in refused.content.lower()
    if age == FRESH:
        answered_at_once(clicked, MESSAGE_WITH_SOURCE)
    else:
        deferred_then_completed(clicked, DEFERRED_MESSAGE, "POST")


@AGES
async def test_run_it_is_deferred_by_design_then_sent(
    loopback: LoopbackDiscord,
    scene: Scene,
    manual_clock: ManualClock,
    tmp_path: Path,
    tutor_url: str,
    age: float,
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
        post = await practice(loopback, scene, "medium")
        post_id = post_id_of(post)
        feedback = await loopback.reply_to(
            await loopback.click(scene.alice, post, answer_id(post, "B"))
        )
        clicked = await loopback.click(
            scene.alice, feedback, RunIt(post_id, on_buttons(post, "B")).to_id(), age=age
        )
        run = await loopback.reply_to(clicked)

    assert run.ephemeral
    assert "option B · " in run.content  # the real run of the chosen option
    assert "\n200 OK\n" in run.content
    deferred_then_completed(clicked, DEFERRED_MESSAGE, "POST")  # Run it always defers first


async def test_a_host_clock_a_day_off_discords_still_answers_fast_clicks_at_once(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> None:
    host_clock = ManualClock(manual_clock.now() + timedelta(days=1))  # a fast host clock
    async with running_bot(loopback, scene, host_clock, tmp_path / "tutor.sqlite3"):
        post = await practice(loopback, scene, "medium")
        clicked = await loopback.click(scene.alice, post, answer_id(post, "B"))
        feedback = await loopback.reply_to(clicked)

    assert "✅ Correct!" in feedback.content
    answered_at_once(clicked, MESSAGE_WITH_SOURCE)  # not deferred as if a day late


async def test_a_host_clock_a_day_behind_still_defers_a_late_click(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> None:
    host_clock = ManualClock(manual_clock.now() - timedelta(days=1))  # a slow host clock
    async with running_bot(loopback, scene, host_clock, tmp_path / "tutor.sqlite3"):
        post = await practice(loopback, scene, "medium")
        button = answer_id(post, "B")
        clicked = await loopback.click(scene.alice, post, button, age=BACKLOGGED)
        feedback = await loopback.reply_to(clicked)

    assert "✅ Correct!" in feedback.content
    deferred_then_completed(clicked, DEFERRED_MESSAGE, "POST")  # the 2.9 s were not hidden
