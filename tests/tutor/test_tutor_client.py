"""The bot's client for the tutor service, against the real ASGI app and a stopped service."""

from __future__ import annotations

import asyncio
import logging
import socket
from dataclasses import replace

import httpx
import pytest

from bot.practice.tutor_client import (
    ExerciseChanged,
    RunnerUnavailable,
    RunRejected,
    ServiceHealth,
    TooManyRuns,
    TutorClient,
)
from config import Secret
from tests.clock import ManualClock
from tutor.asgi import TutorApp
from wire.runs import ResponseReport

pytestmark = pytest.mark.asyncio(loop_scope="module")
BASE = "http://127.0.0.1"  # an allowed host; ASGITransport never opens a socket


@pytest.fixture
async def http(tutor):
    transport = httpx.ASGITransport(app=TutorApp(tutor, manage_runner=False))
    async with httpx.AsyncClient(transport=transport) as client:
        yield client


async def test_health(http, tutor):
    client = TutorClient(http, BASE)
    assert await client.health() == ServiceHealth(
        ok=True,
        exercises=len(tutor.exercises),
        running=0,
        capacity=tutor.runner.max_concurrent,
        run_timeout=tutor.runner.timeout,
    )


async def test_a_fill_given_as_letters_or_by_blank(http):
    client = TutorClient(http, BASE)
    result = await client.run("t/echo", fill="BA")
    assert result.correct
    assert result.answer == "BA"
    assert result.report.error is None
    assert result.report.response == ResponseReport(
        200, "application/json", '{"echo": "hello"}', False, (("content-type", "application/json"),)
    )
    by_blank = await client.run("t/echo", fill={1: "B", 2: "A"})
    assert replace(by_blank.report, elapsed=result.report.elapsed) == result.report


async def test_a_wrong_fill_shows_the_error(http):
    result = await TutorClient(http, BASE).run("t/json", fill="B")
    assert not result.correct
    report = result.report
    assert report.error is not None
    assert (report.error.type, report.error.line) == ("NameError", 5)
    assert report.error.message == "name 'HttpResponse' is not defined"
    assert report.error.is_a("Exception")
    assert report.response is not None
    assert report.response.status == 500


async def test_a_choice_with_a_warning_and_a_value(http):
    report = (await TutorClient(http, BASE).run("t/gather", choice="B")).report
    assert report.returns == ([[2, "two"]],)
    assert report.warnings
    assert report.response is None


async def test_a_timed_out_run_is_a_report_not_an_error(quick_to_time_out):
    transport = httpx.ASGITransport(app=TutorApp(quick_to_time_out, manage_runner=False))
    async with httpx.AsyncClient(transport=transport) as http:
        result = await TutorClient(http, BASE, timeout=10).run("t/sleepers", choice="C")
    assert result.report.timed_out


@pytest.mark.parametrize(
    ("exercise_id", "answer", "status"),
    [
        ("t/nope", {"choice": "A"}, 404),
        ("t/echo", {"fill": "BD"}, 400),
        ("t/gather", {"fill": "A"}, 400),
        ("t/concept", {"choice": "A"}, 409),
    ],
)
async def test_requests_the_service_refuses(http, exercise_id, answer, status):
    with pytest.raises(RunRejected) as refused:
        await TutorClient(http, BASE).run(exercise_id, **answer)
    assert refused.value.status == status
    assert refused.value.message


async def test_exactly_one_of_fill_or_choice():
    client = TutorClient(httpx.AsyncClient(), BASE)
    with pytest.raises(ValueError, match="exactly one"):
        await client.run("t/echo")
    with pytest.raises(ValueError, match="exactly one"):
        await client.run("t/echo", fill="BA", choice="A")


async def test_the_shared_secret_is_sent(tutor):
    guarded = replace(tutor, config=replace(tutor.config, secret=Secret("s3cret")))
    transport = httpx.ASGITransport(app=TutorApp(guarded, manage_runner=False))
    async with httpx.AsyncClient(transport=transport) as http:
        assert (await TutorClient(http, BASE, secret="s3cret").run("t/echo", fill="BA")).correct
        with pytest.raises(RunnerUnavailable, match="401"):
            await TutorClient(http, BASE, secret="wrong").run("t/echo", fill="BA")


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_a_stopped_service_is_unavailable_not_a_crash():
    async with httpx.AsyncClient() as http:
        client = TutorClient(http, f"http://127.0.0.1:{closed_port()}", timeout=2)
        with pytest.raises(RunnerUnavailable, match="ConnectError"):
            await client.health()
        with pytest.raises(RunnerUnavailable):
            await client.run("t/echo", fill="BA")


@pytest.fixture
async def loopback(tutor):
    """A client of the same app served by uvicorn on loopback, where giving up closes the
    connection as it would in production."""
    async with httpx.AsyncClient() as http:
        yield http, tutor.runner.example_api_url.removesuffix("/example-api")


async def test_a_slow_service_is_unavailable_after_the_timeout(loopback):
    http, base = loopback
    client = TutorClient(http, base, timeout=0.2)
    with pytest.raises(RunnerUnavailable, match=r"no answer within 0\.2 s"):
        await client.run("t/sleepers", choice="A")  # takes 0.5 s


async def test_calls_beyond_the_cap_wait_within_the_timeout(loopback):
    http, base = loopback
    client = TutorClient(http, base, timeout=1.8, max_concurrent=1)
    first = asyncio.create_task(client.run("t/sleepers", choice="B"))  # 2 x 0.5 s in turn
    second = asyncio.create_task(client.run("t/sleepers", choice="B"))  # waits for the slot
    assert (await first).report.elapsed >= 1.0
    with pytest.raises(RunnerUnavailable):
        await second


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(500, text="boom"),
        httpx.Response(503, json={"error": "the example worker did not start"}),
        httpx.Response(200, text="<html>not json</html>"),
        httpx.Response(200, json={"exercise": "t/echo"}),
        httpx.Response(200, json={"runner_error": "the example worker stopped"}),
    ],
)
async def test_a_service_answering_errors_or_nonsense_is_unavailable(answer):
    transport = httpx.MockTransport(lambda request: answer)
    async with httpx.AsyncClient(transport=transport) as http:
        with pytest.raises(RunnerUnavailable):
            await TutorClient(http, BASE).run("t/echo", fill="BA")


def serving_app(tutor) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=TutorApp(tutor, manage_runner=False))
    )


async def test_another_version_on_the_service_is_exercise_changed(tutor):
    echo = replace(tutor.exercises["t/echo"], content_hash="v2")
    newer = replace(tutor, exercises={**tutor.exercises, "t/echo": echo})
    async with serving_app(newer) as http:
        client = TutorClient(http, BASE)
        assert (await client.run("t/echo", fill="BA", content_hash="v2")).correct
        with pytest.raises(ExerciseChanged) as changed:
            await client.run("t/echo", fill="BA", content_hash="v1")
    assert changed.value.status == 412
    assert "runs version v2" in changed.value.message


async def test_runs_are_counted_for_the_member_named(tutor):
    clock = ManualClock()
    one_a_minute = replace(tutor, config=replace(tutor.config, member_runs_per_minute=1))
    one_a_minute = replace(one_a_minute, now=clock.seconds)
    async with serving_app(one_a_minute) as http:
        client = TutorClient(http, BASE)
        assert (await client.run("t/echo", fill="BA", member=5)).correct
        with pytest.raises(TooManyRuns) as refused:
            await client.run("t/echo", fill="BA", member=5)
        assert (await client.run("t/echo", fill="BA", member=6)).correct
    assert refused.value.status == 429
    assert refused.value.retry_after == 60
    assert not isinstance(refused.value, RunnerUnavailable)


async def test_the_bot_says_at_start_when_it_would_stop_waiting_before_a_run_ends(http, caplog):
    """The service states its run timeout (3 s here); a bot that waits less than that plus
    the margin would tell members "unavailable" for runs that were still going."""
    from bot.__main__ import RUN_WAIT_MARGIN, warn_if_tutor_missing

    assert (await TutorClient(http, BASE).health()).run_timeout == 3.0
    with caplog.at_level(logging.INFO, logger="bot"):
        await warn_if_tutor_missing(TutorClient(http, BASE, timeout=3.0 + RUN_WAIT_MARGIN))
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]

    with caplog.at_level(logging.INFO, logger="bot"):
        await warn_if_tutor_missing(TutorClient(http, BASE, timeout=4.0))
    (warning,) = [record for record in caplog.records if record.levelno >= logging.WARNING]
    line = warning.getMessage()
    assert "\n" not in line
    assert "TUTOR_TIMEOUT_SECONDS=4" in line
    assert "TUTOR_RUN_TIMEOUT=3" in line
