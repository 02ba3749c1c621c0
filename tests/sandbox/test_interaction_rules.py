"""Discord's rules for answers, kept by the stand-in under the test's clock."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from bot.sandbox import DriverError, LoopbackDiscord, RecordedRequest
from tests.clock import ManualClock
from tests.loopback_fixtures import LoggedErrors, Scene
from tests.sandbox.conftest import start_bot, stop_bot
from tests.sandbox.echo_bot import EchoBot, Misbehave


async def test_a_second_initial_response_is_refused_as_already_acknowledged(
    loopback: LoopbackDiscord, scene: Scene, echo_bot: EchoBot, logged_errors: LoggedErrors
) -> None:
    # Two processes of one bot both answer the click: only the first answer counts.
    post = await loopback.reply_to(
        await loopback.run_command(scene.alice, scene.channel, "post", title="Twice?")
    )
    twin = await start_bot(loopback, scene, Misbehave())
    try:
        logged_errors.expect(r"40060.*already been acknowledged")
        clicked = await loopback.click(scene.alice, post, "echo:pick:A")

        def answer(status: int) -> Callable[[RecordedRequest], bool]:
            return lambda r: str(clicked.id) in r.path and r.status == status

        refused = await loopback.wait_for_request(answer(400))
        await loopback.wait_for_request(answer(200))
    finally:
        await stop_bot(twin)

    assert refused.response == {
        "code": 40060,
        "message": "Interaction has already been acknowledged.",
    }
    assert [m.content for m in loopback.ephemeral_replies(scene.alice)] == ["You picked A."]
    assert clicked.acknowledged


@pytest.mark.parametrize(("seconds", "in_time"), [(2.9, True), (3.1, False)])
async def test_an_initial_response_is_refused_after_three_seconds(
    loopback: LoopbackDiscord,
    scene: Scene,
    echo_bot: EchoBot,
    misbehave: Misbehave,
    manual_clock: ManualClock,
    logged_errors: LoggedErrors,
    seconds: float,
    in_time: bool,
) -> None:
    misbehave.hold_answers = asyncio.Event()
    asked = await loopback.run_command(scene.alice, scene.channel, "post", title="Late?")
    await asyncio.wait_for(misbehave.entered.wait(), 5)

    await manual_clock.advance(seconds)
    if not in_time:
        logged_errors.expect(r"10062.*Unknown interaction")
    misbehave.hold_answers.set()
    callback = await loopback.wait_for_request(lambda r: r.path.endswith("/callback"))

    assert callback.status == (200 if in_time else 404)
    assert asked.acknowledged is in_time
    assert len(loopback.messages(scene.channel)) == (1 if in_time else 0)
    if not in_time:
        assert callback.response == {"code": 10062, "message": "Unknown interaction"}


@pytest.mark.parametrize(("minutes", "in_time"), [(14.9, True), (15.1, False)])
async def test_follow_ups_are_refused_after_fifteen_minutes(
    loopback: LoopbackDiscord,
    scene: Scene,
    echo_bot: EchoBot,
    misbehave: Misbehave,
    manual_clock: ManualClock,
    logged_errors: LoggedErrors,
    minutes: float,
    in_time: bool,
) -> None:
    misbehave.hold_answers = asyncio.Event()
    slow = await loopback.run_command(scene.alice, scene.channel, "slow")
    await asyncio.wait_for(misbehave.entered.wait(), 5)  # deferred in time; now thinking

    await manual_clock.advance(minutes * 60)
    if not in_time:
        logged_errors.expect(r"10062.*Unknown interaction")
    misbehave.hold_answers.set()
    follow_up = await loopback.wait_for_request(lambda r: r.path.startswith("/webhooks/"))

    assert follow_up.status == (200 if in_time else 404)
    assert slow.response_type == 5
    if in_time:
        assert (await loopback.reply_to(slow)).content == "Thought about it."


async def test_ephemeral_replies_are_seen_and_clicked_only_by_their_member(
    loopback: LoopbackDiscord, scene: Scene, echo_bot: EchoBot
) -> None:
    post = await loopback.reply_to(
        await loopback.run_command(scene.alice, scene.channel, "post", title="Mine?")
    )
    await loopback.reply_to(await loopback.click(scene.alice, post, "echo:pick:C"))
    bob_clicked = await loopback.click(scene.bob, post, "echo:pick:D")
    bobs = await loopback.reply_to(bob_clicked)

    alices = loopback.ephemeral_replies(scene.alice)
    assert [m.content for m in alices] == ["You picked C."]
    assert [m.content for m in loopback.ephemeral_replies(scene.bob)] == ["You picked D."]
    assert loopback.messages(scene.channel) == [post]
    with pytest.raises(DriverError, match="cannot see"):
        await loopback.click(scene.bob, alices[0], "anything", forged=False)
    assert bobs.visible_to == scene.bob.id
