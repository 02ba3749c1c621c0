"""The bot's "Run it": real runs from the tutor app side by side, and a stopped service."""

from __future__ import annotations

import httpx
import pytest

from bot.run_it import CORRECT_RUN_LATER, RUNNER_UNAVAILABLE, ExampleRunner
from bot.tutor_client import TutorClient
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

    mine, correct = rendered.content.splitlines()[1:3]
    assert mine.startswith("Your choice `HttpResponse`: NameError: name 'HttpResponse' is not")
    assert "(line 5)" in mine
    assert correct.startswith('Correct `JsonResponse`: 200 application/json `{"message": "Hello')


async def test_with_attempts_left_only_the_members_choice_runs(runner):
    rendered = await runner.compare(BY_ID["t/json"], "B", show_correct=False)

    _title, mine, note = rendered.content.splitlines()
    assert mine.startswith("Your choice `HttpResponse`: NameError: name 'HttpResponse' is not")
    assert note == CORRECT_RUN_LATER
    assert "JsonResponse" not in rendered.content
    assert "200" not in rendered.content


async def test_the_correct_answer_is_run_once(runner):
    rendered = await runner.compare(BY_ID["t/echo"], "BA", show_correct=True)

    assert rendered.content.startswith("**Your answer** `'text'`, `'echo'`: 200 application/json")


async def test_a_stopped_service_says_the_runner_is_unavailable():
    async with httpx.AsyncClient() as http:
        runner = ExampleRunner(TutorClient(http, f"http://127.0.0.1:{closed_port()}", timeout=2))
        rendered = await runner.compare(BY_ID["t/json"], "B", show_correct=True)

    assert rendered.content == RUNNER_UNAVAILABLE
