"""Under overload (a daily quiz posted, hundreds of clicks within seconds) some clicks are
answered after Discord's 3 s. Discord then refuses the answer (404, code 10062) and nothing
more can reach that member for that click. Such a click costs the bot one count and at most
one log line, never a traceback, an apology or a retry; and the member's next click on the
same button is answered with what was recorded, without costing a second attempt.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from bot.interactions.undelivered import Lost
from bot.sandbox import Interaction, LoopbackDiscord, Message
from bot.sandbox.recording import RecordedRequest
from tests.clock import ManualClock
from tests.e2e.bots import answer_id, running_bot
from tests.loopback_fixtures import Scene

EXPIRED_ON_ARRIVAL = 3.5  # seconds: past Discord's 3 s before the bot even sees the click
CORRECT, WRONG = "B", "C"  # the demo pack's medium multiple-choice question


def expired_count() -> float:
    value = REGISTRY.get_sample_value("tutor_bot_interactions_total", {"outcome": "expired"})
    return value or 0.0


def requests_for(loopback: LoopbackDiscord, interaction: Interaction) -> list[RecordedRequest]:
    """Every REST request the bot made about one interaction: its callback and webhooks."""
    return [
        request
        for request in loopback.requests
        if str(interaction.id) in request.path or interaction.token in request.path
    ]


@pytest.fixture
def bot_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    with caplog.at_level(logging.INFO, logger="bot"):
        yield caplog


def noise(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """What the bot logged at WARNING or above, tracebacks included."""
    return [record for record in caplog.records if record.levelno >= logging.WARNING]


async def practice(loopback: LoopbackDiscord, scene: Scene) -> tuple[Message, int]:
    asked = await loopback.run_command(
        scene.alice, scene.channel, "practice", pack="demo", difficulty="medium"
    )
    post = await loopback.reply_to(asked)
    return post, int(next(iter(post.buttons())).split(":")[2])


async def test_a_click_that_arrives_expired_costs_one_count_and_one_line(
    loopback: LoopbackDiscord,
    scene: Scene,
    manual_clock: ManualClock,
    tmp_path: Path,
    bot_logs: pytest.LogCaptureFixture,
) -> None:
    before = expired_count()
    async with running_bot(loopback, scene, manual_clock, tmp_path / "tutor.sqlite3") as bot:
        post, post_id = await practice(loopback, scene)
        button = answer_id(post, WRONG)

        late = await loopback.click(scene.alice, post, button, age=EXPIRED_ON_ARRIVAL)
        refused = await loopback.wait_for_request(
            lambda request: str(late.id) in request.path and request.status is not None
        )
        retry = await loopback.click(scene.alice, post, button)
        answer = await loopback.reply_to(retry)
        attempts = await bot.practice.store.progress_on_post(
            post_id=post_id, member_id=scene.alice.id
        )

    # Discord's answer to the late callback, and nothing else sent about that click
    assert (refused.status, refused.response["code"]) == (404, 10062)
    assert requests_for(loopback, late) == [refused]
    assert not late.acknowledged
    assert late.followup_ids == []
    # one line, no traceback; counted
    (line,) = noise(bot_logs)
    assert line.levelno == logging.WARNING
    assert line.exc_info is None
    assert f"interaction {late.id} expired" in line.getMessage()
    assert expired_count() - before == 1
    assert bot.undelivered.totals == {Lost.EXPIRED: 1}
    # the retry is answered as a first try would be, whether or not the late one was recorded
    assert answer.ephemeral
    assert "❌ Not quite." in answer.content
    assert attempts.attempts_used == 1


@pytest.mark.parametrize(
    ("letter", "shown"),
    [
        (WRONG, ["❌ Not quite.", "did not cost another attempt"]),
        (CORRECT, ["You have already solved this one."]),
    ],
    ids=["wrong", "correct"],
)
async def test_a_recorded_answer_that_could_not_be_delivered_is_shown_on_the_retry(
    loopback: LoopbackDiscord,
    scene: Scene,
    manual_clock: ManualClock,
    tmp_path: Path,
    bot_logs: pytest.LogCaptureFixture,
    letter: str,
    shown: list[str],
) -> None:
    async with running_bot(loopback, scene, manual_clock, tmp_path / "tutor.sqlite3") as bot:
        post, post_id = await practice(loopback, scene)
        button = answer_id(post, letter)
        # the answer was ready, but reached Discord after the 3 s (a backlog of requests)
        loopback.fail(
            "POST",
            "/interactions/*/callback",
            status=404,
            code=10062,
            message="Unknown interaction",
        )
        lost = await loopback.click(scene.alice, post, button)
        await loopback.wait_for_request(
            lambda request: str(lost.id) in request.path and request.status == 404
        )
        retry = await loopback.click(scene.alice, post, button)
        answer = await loopback.reply_to(retry)
        attempts = await bot.practice.store.progress_on_post(
            post_id=post_id, member_id=scene.alice.id
        )

    assert len(requests_for(loopback, lost)) == 1  # the refused answer; no apology, no retry
    assert [record.exc_info for record in noise(bot_logs)] == [None]
    # recorded once: the retry shows it and costs nothing
    assert all(part in answer.content for part in shown)
    assert attempts.attempts_used == 1
    assert bot.undelivered.totals == {Lost.EXPIRED: 1}


async def test_a_burst_of_expired_clicks_is_summed_up_in_one_line_a_minute(
    loopback: LoopbackDiscord,
    scene: Scene,
    manual_clock: ManualClock,
    tmp_path: Path,
    bot_logs: pytest.LogCaptureFixture,
) -> None:
    members = [scene.alice, scene.bob, scene.moderator]
    async with running_bot(loopback, scene, manual_clock, tmp_path / "tutor.sqlite3") as bot:
        post, _ = await practice(loopback, scene)
        button = answer_id(post, CORRECT)
        for _ in range(2):  # each member clicks twice: six expired clicks
            for member in members:
                late = await loopback.click(member, post, button, age=EXPIRED_ON_ARRIVAL)
                await loopback.wait_for_request(
                    lambda request, late=late: (
                        str(late.id) in request.path and request.status is not None
                    )
                )
        first_line = len(noise(bot_logs))
        await manual_clock.advance(60)  # the summary's minute
        summary = noise(bot_logs)[first_line:]
        await manual_clock.advance(60)  # a quiet minute: nothing more to say
        quiet = noise(bot_logs)[first_line + len(summary) :]

    assert first_line == 1
    (line,) = summary
    assert "interactions not answered in the last 60 s: 5 expired" in line.getMessage()
    assert quiet == []
    assert bot.undelivered.totals == {Lost.EXPIRED: 6}
    assert all(record.exc_info is None for record in noise(bot_logs))


async def test_a_rate_limited_answer_is_retried_by_discord_py_alone(
    loopback: LoopbackDiscord,
    scene: Scene,
    manual_clock: ManualClock,
    tmp_path: Path,
    bot_logs: pytest.LogCaptureFixture,
) -> None:
    async with running_bot(loopback, scene, manual_clock, tmp_path / "tutor.sqlite3") as bot:
        post, _ = await practice(loopback, scene)
        loopback.rate_limit("POST", "/interactions/*/callback", retry_after=0.05)
        clicked = await loopback.click(scene.alice, post, answer_id(post, CORRECT))
        answer = await loopback.reply_to(clicked)

    callbacks = [request.status for request in requests_for(loopback, clicked)]
    assert callbacks == [429, 200]  # discord.py waited it out once; nothing added on top
    assert "✅ Correct!" in answer.content
    assert [record for record in noise(bot_logs) if record.name.startswith("bot")] == []
    assert bot.undelivered.totals == {}
