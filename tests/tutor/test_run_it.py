"""The bot's "Run it": real runs from the tutor app side by side, and a stopped service."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest

from bot.practice.run_it import (
    CORRECT_RUN_LATER,
    EXERCISE_UPDATED,
    RUN_REFUSED,
    RUNNER_UNAVAILABLE,
    ExampleRunner,
)
from bot.practice.tutor_client import TutorClient
from tests.bot.practice.test_run_report import blocks
from tests.clock import ManualClock
from tests.tutor.examples import BY_ID
from tests.tutor.test_tutor_client import closed_port
from tutor.asgi import TutorApp

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture
async def runner(tutor):
    transport = httpx.ASGITransport(app=TutorApp(tutor, manage_runner=False))
    async with httpx.AsyncClient(transport=transport) as http:
        yield ExampleRunner(TutorClient(http, "http://127.0.0.1"))


async def test_a_wrong_choice_is_shown_beside_the_correct_one(runner):
    rendered = await runner.compare(BY_ID["t/json"], "B", show_correct=True)

    text = rendered.content
    assert text.startswith("**What really happens**\nYour choice `HttpResponse` · ")
    assert "\nCorrect `JsonResponse` · " in text
    mine, correct = blocks(text)
    assert mine.startswith("NameError: name 'HttpResponse' is not")
    assert "(line 5)" in mine
    assert correct.startswith("200 OK\ncontent-type: application/json\n\n")
    assert '{"message": "Hello' in correct


async def test_with_attempts_left_only_the_members_choice_runs(runner):
    rendered = await runner.compare(BY_ID["t/json"], "B", show_correct=False)

    lines = rendered.content.splitlines()
    assert lines[1].startswith("Your choice `HttpResponse` · ")
    (mine,) = blocks(rendered.content)
    assert mine.startswith("NameError: name 'HttpResponse' is not")
    assert lines[-1] == CORRECT_RUN_LATER
    assert "JsonResponse" not in rendered.content
    assert "200" not in rendered.content


async def test_the_correct_answer_is_run_once(runner):
    rendered = await runner.compare(BY_ID["t/echo"], "BA", show_correct=True)

    assert rendered.content.startswith("**Your answer** `'text'`, `'echo'` · ")
    assert blocks(rendered.content) == [
        '200 OK\ncontent-type: application/json\n\n{"echo": "hello"}'
    ]


async def test_a_stopped_service_says_the_runner_is_unavailable():
    async with httpx.AsyncClient() as http:
        runner = ExampleRunner(TutorClient(http, f"http://127.0.0.1:{closed_port()}", timeout=2))
        rendered = await runner.compare(BY_ID["t/json"], "B", show_correct=True)

    assert rendered.content == RUNNER_UNAVAILABLE


async def test_an_exercise_updated_on_the_service_is_said_so(runner):
    """The bot posted one version; the service runs another (its hash is not this one)."""
    posted = replace(BY_ID["t/json"], content_hash="as-posted")
    rendered = await runner.compare(posted, "B", show_correct=False, member=1)

    assert rendered.content == EXERCISE_UPDATED
    assert "updated" in rendered.content


async def test_a_run_the_service_refuses_is_not_called_unavailable(runner):
    unknown = replace(BY_ID["t/json"], id="t/not-on-the-service")
    rendered = await runner.compare(unknown, "B", show_correct=True, member=1)

    assert rendered.content == RUN_REFUSED
    assert rendered.content != RUNNER_UNAVAILABLE


async def test_a_member_over_their_runs_is_told_when_to_try_again(tutor):
    clock = ManualClock()
    three = replace(tutor, config=replace(tutor.config, member_runs_per_minute=3))
    three = replace(three, now=clock.seconds)
    transport = httpx.ASGITransport(app=TutorApp(three, manage_runner=False))
    async with httpx.AsyncClient(transport=transport) as http:
        runner = ExampleRunner(TutorClient(http, "http://127.0.0.1"))
        first = await runner.compare(BY_ID["t/json"], "B", show_correct=True, member=1)  # two runs
        second = await runner.compare(
            BY_ID["t/json"], "B", show_correct=True, member=1
        )  # one left, needs two
        other = await runner.compare(BY_ID["t/json"], "B", show_correct=True, member=2)

    assert first.content.startswith("**What really happens**")
    assert (
        second.content == "You have run many examples just now; you can run this one again in 60 s."
    )
    assert other.content.startswith("**What really happens**")
