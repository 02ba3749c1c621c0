"""The runner runs our examples for real, in forked workers: reports, isolation, timeouts."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from pathlib import Path

import pytest

from tests.tutor.examples import (
    BOOKS,
    CALLS_API,
    COROUTINE,
    ECHO_TWO_BLANKS,
    GREEDY,
    JSON_VIEW,
    MIDDLEWARE_AND_CLASS,
    NOSY,
    POSTS_JSON,
    SHELVES_AND_MEMBERS,
    SLEEPERS,
    SNIPPET,
)
from tutor.jobs import ExampleJob, build_job
from tutor.pool import Runner, run_environment
from tutor.service import Tutor
from wire.runs import RunReport

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def run(tutor: Tutor, exercise, letters: str) -> RunReport:
    return await tutor.runner.run(build_job(exercise, letters))


async def test_a_view_answers_through_django(tutor):
    report = await run(tutor, JSON_VIEW, "A")
    assert report.ok
    (response,) = report.responses
    assert response.status == 200
    assert response.content_type == "application/json"
    assert json.loads(response.body) == {"message": "Hello, async!"}


async def test_an_exception_in_a_view_names_its_type_message_and_line(tutor):
    report = await run(tutor, JSON_VIEW, "B")
    assert report.compiled
    assert report.error is not None
    assert report.error.type == "NameError"
    assert "HttpResponse" in report.error.message
    assert report.error.line == 5
    assert [response.status for response in report.responses] == [500]


async def test_a_syntax_error_is_reported_with_its_line():
    from tutor.execute import execute

    job = ExampleJob(code="x = 1\ny = (\n", entry="f", entry_kind="coroutine")
    report = await execute(job, body_limit=100)
    assert not report.compiled
    assert report.error is not None
    assert report.error.type == "SyntaxError"
    assert report.error.line == 2


async def test_two_blanks_and_the_query_string(tutor):
    assert json.loads((await run(tutor, ECHO_TWO_BLANKS, "BA")).responses[0].body) == {
        "echo": "hello"
    }
    assert json.loads((await run(tutor, ECHO_TWO_BLANKS, "AA")).responses[0].body) == {
        "echo": "nothing"
    }
    swapped = await run(tutor, ECHO_TWO_BLANKS, "BC")
    assert swapped.error is not None
    assert (swapped.error.type, swapped.error.line) == ("NameError", 5)


async def test_a_post_with_json_and_headers(tutor):
    report = await run(tutor, POSTS_JSON, "A")
    assert json.loads(report.responses[0].body) == {"got": "hi", "method": "POST", "h": "n"}
    missing = await run(tutor, POSTS_JSON, "B")
    assert missing.error is not None
    assert missing.error.is_a("KeyError")


async def test_a_coroutine_is_awaited_and_its_value_reported(tutor):
    report = await run(tutor, COROUTINE, "A")
    assert report.ok
    assert report.returns == ([1, [2, "two"]],)
    assert report.warnings == ()


async def test_warnings_of_a_run_are_reported_for_that_run_alone(tutor):
    unawaited, clean = await asyncio.gather(run(tutor, COROUTINE, "B"), run(tutor, COROUTINE, "A"))
    assert any("coroutine 'one' was never awaited" in warning for warning in unawaited.warnings)
    assert clean.warnings == ()


async def test_views_see_exactly_the_documented_library(tutor):
    report = await run(tutor, BOOKS, "A")
    data = json.loads(report.responses[0].body)
    assert data["authors"] == 3
    assert data["books"] == [
        {"id": 1, "title": "A Wizard of Earthsea", "author": "Ursula K. Le Guin", "author_id": 1,
         "year": 1968, "pages": 183},
        {"id": 2, "title": "The Dispossessed", "author": "Ursula K. Le Guin", "author_id": 1,
         "year": 1974, "pages": 387},
        {"id": 3, "title": "Kindred", "author": "Octavia E. Butler", "author_id": 2,
         "year": 1979, "pages": 264},
        {"id": 4, "title": "Parable of the Sower", "author": "Octavia E. Butler", "author_id": 2,
         "year": 1993, "pages": 345},
        {"id": 5, "title": "Small Gods", "author": "Terry Pratchett", "author_id": 3,
         "year": 1992, "pages": 284},
    ]  # fmt: skip


async def test_views_see_exactly_the_documented_shelves_and_members(tutor):
    report = await run(tutor, SHELVES_AND_MEMBERS, "A")
    assert json.loads(report.responses[0].body) == {
        "shelves": {
            "Staff picks": ["A Wizard of Earthsea", "Small Gods"],
            "Book club": ["Kindred"],
        },
        "members": [[1, "reader", False], [2, "librarian", True]],
    }


async def test_the_documented_members_log_in_with_their_passwords_only(tutor):
    report = await run(tutor, SHELVES_AND_MEMBERS, "B")
    assert json.loads(report.responses[0].body) == {"logged_in": ["reader", "librarian", None]}


async def test_each_run_starts_from_a_fresh_database(tutor):
    first = await run(tutor, BOOKS, "D")
    assert json.loads(first.responses[0].body) == {"deleted": 5, "left": 0}
    again = await run(tutor, BOOKS, "D")
    assert json.loads(again.responses[0].body) == {"deleted": 5, "left": 0}


async def test_sync_views_and_the_async_orm_rule_behave_as_in_django(tutor):
    sync_view = await run(tutor, BOOKS, "B")
    assert json.loads(sync_view.responses[0].body) == {"count": 5}
    orm_in_async = await run(tutor, BOOKS, "C")
    assert orm_in_async.error is not None
    assert orm_in_async.error.type == "SynchronousOnlyOperation"


async def test_examples_call_the_services_own_example_api(tutor):
    report = await run(tutor, CALLS_API, "A")
    assert report.ok, report
    answers = json.loads(report.responses[0].body)["answers"]
    assert answers == [
        [200, {"id": 2, "text": "Readability counts."}],
        [404, {"error": "no such quote"}],
        [200, {"city": "Oslo", "temp_c": 21}],
        [418, {"status": 418}],
        [200, {"a": [1, 2]}],
        [200, {"slept": 0.3}],
    ]


async def test_a_view_class_a_route_and_the_examples_middleware(tutor):
    report = await run(tutor, MIDDLEWARE_AND_CLASS, "A")
    assert report.responses[0].body == "BOOK 7"
    sync_get = await run(tutor, MIDDLEWARE_AND_CLASS, "B")
    assert sync_get.error is not None
    assert sync_get.error.type == "ImproperlyConfigured"  # Django refuses mixed sync/async


NOTE_VIEW = """
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

async def note(request):
    return HttpResponse("stored")

exempt_note = csrf_exempt(note)

async def visits(request):
    count = await request.session.aget("visits", 0)
    await request.session.aset("visits", count + 1)
    return HttpResponse(f"visit {count + 1}")

async def who(request):
    user = await request.auser()
    return HttpResponse(f"anonymous={user.is_anonymous}")
"""
CSRF = "django.middleware.csrf.CsrfViewMiddleware"
SESSIONS = "django.contrib.sessions.middleware.SessionMiddleware"
AUTH = "django.contrib.auth.middleware.AuthenticationMiddleware"


def post_note(entry: str, middleware: tuple[str, ...]) -> ExampleJob:
    return ExampleJob(
        code=NOTE_VIEW,
        entry=entry,
        entry_kind="view",
        route="note/",
        middleware=middleware,
        method="POST",
        path="/note/",
        body="hello",
    )


async def test_a_run_declaring_django_csrf_middleware_refuses_a_post_without_a_token(tutor):
    refused = await tutor.runner.run(post_note("note", (CSRF,)))
    exempt = await tutor.runner.run(post_note("exempt_note", (CSRF,)))
    unchecked = await tutor.runner.run(post_note("note", ()))

    assert refused.responses[0].status == 403
    assert "CSRF verification failed" in refused.responses[0].body
    assert (exempt.responses[0].status, exempt.responses[0].body) == (200, "stored")
    assert (unchecked.responses[0].status, unchecked.responses[0].body) == (200, "stored")


async def test_a_run_declaring_django_session_middleware_has_a_session(tutor):
    with_sessions = await tutor.runner.run(post_note("visits", (SESSIONS,)))
    without = await tutor.runner.run(post_note("visits", ()))

    assert with_sessions.responses[0].body == "visit 1"
    assert without.error is not None
    assert without.error.type == "AttributeError"


async def test_a_run_declaring_django_auth_middleware_has_an_anonymous_user(tutor):
    with_auth = await tutor.runner.run(post_note("who", (SESSIONS, AUTH)))
    without = await tutor.runner.run(post_note("who", (SESSIONS,)))

    assert with_auth.responses[0].body == "anonymous=True"
    assert without.error is not None
    assert without.error.type == "AttributeError"


async def test_a_dotted_middleware_off_the_allow_list_is_never_imported(tutor):
    job = post_note("note", ("django.contrib.messages.middleware.MessageMiddleware",))

    report = await tutor.runner.run(job)

    assert report.error is not None
    assert report.error.type == "ValueError"
    assert "nor an allowed Django one" in report.error.message
    assert not report.responses


async def test_a_snippet_runs_whatever_the_choice(tutor):
    assert (await run(tutor, SNIPPET, "B")).responses[0].body == "hi"


async def test_a_blocking_view_takes_its_time_and_a_sleeping_one_overlaps(tutor):
    overlapping, blocking = await asyncio.gather(
        run(tutor, SLEEPERS, "A"), run(tutor, SLEEPERS, "B")
    )
    assert overlapping.ok
    assert blocking.ok
    assert blocking.elapsed > 1.5 * overlapping.elapsed  # 2 x 0.5 s in turn, against 0.5 s


@pytest.mark.parametrize("letter", ["C", "D"])
async def test_a_run_past_its_timeout_is_killed_and_reported(quick_to_time_out, letter):
    started = time.perf_counter()
    report = await run(quick_to_time_out, SLEEPERS, letter)
    took = time.perf_counter() - started
    assert report.timed_out
    assert report.elapsed == quick_to_time_out.runner.timeout
    assert took < 30 / 3  # killed, not waited for: the view sleeps 30 s
    assert (await run(quick_to_time_out, JSON_VIEW, "A")).ok


async def test_a_blocking_run_stalls_no_other_run(tutor):
    blocked = asyncio.create_task(run(tutor, SLEEPERS, "C"))
    quick = await asyncio.gather(*(run(tutor, SLEEPERS, "A") for _ in range(5)))
    assert all(report.ok for report in quick)
    assert not blocked.done()  # the quick runs are done long before the blocked one is killed
    assert (await blocked).timed_out


async def test_200_runs_that_only_await_run_at_once(tutor):
    """With the default cap, and a timeout long enough that a loaded machine's straggler is
    not taken for a run that failed: the burst's own time is what is bounded here."""
    job = build_job(SLEEPERS, "A")
    async with Runner(example_api_url=tutor.runner.example_api_url, timeout=20.0) as runner:
        assert runner.max_concurrent >= 200
        started = time.perf_counter()
        reports = await asyncio.gather(*(runner.run(job) for _ in range(200)))
        took = time.perf_counter() - started
    assert [report for report in reports if not report.ok][:1] == []
    one_after_another = 200 * 0.5  # each run serves its two 0.5 s requests at once
    assert took < one_after_another / 4  # at once: a loaded 2-core machine forks 200 children


async def test_a_runaway_allocation_is_the_examples_memory_error(tutor):
    report = await tutor.runner.run(build_job(GREEDY, "A"))
    assert report.error is not None
    assert (report.error.type, report.error.line) == ("MemoryError", 2)
    assert (await tutor.runner.run(build_job(GREEDY, "B"))).returns == (1,)


def children_of(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


async def test_a_run_nobody_waits_for_is_stopped(tutor):
    """Stopped when its caller goes, long before its own timeout would have stopped it."""
    timeout = 60.0  # far above any delay a loaded machine adds to the kill
    async with Runner(example_api_url=tutor.runner.example_api_url, timeout=timeout) as runner:
        process = runner._process
        assert process is not None
        before = set(children_of(process.pid))
        job = build_job(SLEEPERS, "C")  # blocks for 30 s, or until killed
        pending = asyncio.create_task(runner.run(job))
        started = set()
        for _ in range(4000):  # bounded: until the run has a child (a spare, then replaced)
            started = set(children_of(process.pid)) - before
            if started:
                break
            await asyncio.sleep(0.005)
        assert started
        # The run's process is one of these: a spare forked before it, or one forked for it.
        # Spares never end on their own, so the one that ends is the run's.
        candidates = before | started
        assert candidates <= set(children_of(process.pid))  # the run is still sleeping
        pending.cancel()
        cancelled = time.perf_counter()
        for _ in range(4000):  # bounded: until the worker has killed it
            if candidates - set(children_of(process.pid)):
                break
            await asyncio.sleep(0.005)
        assert len(candidates - set(children_of(process.pid))) == 1
        assert time.perf_counter() - cancelled < 30 / 3  # not left to sleep its 30 s


async def test_a_dead_worker_fails_its_runs_and_is_replaced(tutor):
    pending = asyncio.create_task(run(tutor, SLEEPERS, "C"))
    for _ in range(1000):  # bounded: the run is sent to the worker at its first step
        if tutor.runner.running:
            break
        await asyncio.sleep(0.005)
    process = tutor.runner._process
    assert process is not None
    os.kill(process.pid, signal.SIGKILL)
    report = await pending
    assert report.runner_error is not None
    assert (await run(tutor, JSON_VIEW, "A")).ok


async def test_a_run_sees_none_of_the_services_environment(tutor, monkeypatch):
    """Secrets exported for the service or the bot are not one os.environ away from examples."""
    monkeypatch.setenv("DISCORD_TOKEN", "discord-token-of-the-bot")
    monkeypatch.setenv("TUTOR_SECRET", "the-shared-secret")
    monkeypatch.setenv("EXAMPLE_MARKER", "anything else exported")
    async with Runner(example_api_url=tutor.runner.example_api_url) as runner:
        peeked = await runner.run(build_job(NOSY, "A"))
        names = await runner.run(build_job(NOSY, "B"))
    assert peeked.returns == (
        {"DISCORD_TOKEN": None, "TUTOR_SECRET": None, "EXAMPLE_MARKER": None},
    )
    (seen,) = names.returns
    assert set(seen) <= set(run_environment())
    assert "the-shared-secret" not in json.dumps(names.to_json())
