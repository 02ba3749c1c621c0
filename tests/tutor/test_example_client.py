"""The run's client: a stream's pieces with the time each arrived, its headers; and a client
that leaves early (`request.disconnect_after`), so that Django sees a real disconnect.

The views below would outlive the run's timeout if nobody cancelled them, so a report that
arrives at all, with the view's own warning in it, shows the cancellation without timing it.
"""

from __future__ import annotations

import pytest

from tutor.jobs import ExampleJob
from tutor.service import Tutor

in_module_loop = pytest.mark.asyncio(loop_scope="module")

STREAM = """
import asyncio
import warnings
from django.http import StreamingHttpResponse

async def events():
    yield "data: 1\\n\\n"
    try:
        await asyncio.sleep(30)
    except asyncio.CancelledError:
        warnings.warn("cancelled after the first event")
        REACTION
    yield "data: 2\\n\\n"
    warnings.warn("still running after the client left")

async def stream(request):
    return StreamingHttpResponse(events(), content_type="text/event-stream")
"""

WAITS = """
import asyncio
import warnings
from django.http import HttpResponse

async def slow(request):
    try:
        await asyncio.sleep(30)
    except asyncio.CancelledError:
        warnings.warn("cancelled before answering")
        raise
    return HttpResponse("done")
"""


def leaving(code: str, entry: str, after: float | None = 0.3) -> ExampleJob:
    return ExampleJob(
        code=code,
        entry=entry,
        entry_kind="view",
        route=f"{entry}/",
        path=f"/{entry}/",
        disconnect_after=after,
    )


@in_module_loop
async def test_the_client_gets_what_came_before_it_left_and_the_view_is_cancelled(tutor: Tutor):
    report = await tutor.runner.run(leaving(STREAM.replace("REACTION", "raise"), "stream"))

    assert report.ok, report
    (response,) = report.responses
    assert (response.status, response.content_type) == (200, "text/event-stream")
    assert response.body == "data: 1\n\n"
    assert any("cancelled after the first event" in warning for warning in report.warnings)
    assert not any("still running" in warning for warning in report.warnings)


@in_module_loop
async def test_a_view_that_swallows_the_cancellation_runs_on_for_nobody(tutor: Tutor):
    report = await tutor.runner.run(leaving(STREAM.replace("REACTION", "pass"), "stream"))

    assert report.ok, report
    (response,) = report.responses
    assert response.body == "data: 1\n\n"  # what it sent after the client left went nowhere
    assert any("still running after the client left" in warning for warning in report.warnings)


@in_module_loop
async def test_a_client_that_leaves_before_the_answer_starts_gets_no_response(tutor: Tutor):
    report = await tutor.runner.run(leaving(WAITS, "slow"))

    assert report.ok, report
    assert report.responses == ()
    assert any("cancelled before answering" in warning for warning in report.warnings)


@in_module_loop
async def test_a_client_that_stays_longer_than_the_answer_gets_all_of_it(tutor: Tutor):
    code = STREAM.replace("REACTION", "raise").replace("asyncio.sleep(30)", "asyncio.sleep(0)")
    report = await tutor.runner.run(leaving(code, "stream", after=2.0))

    assert report.ok, report
    assert [response.body for response in report.responses] == ["data: 1\n\ndata: 2\n\n"]


def test_the_moment_of_leaving_crosses_to_the_worker_with_the_job():
    job = leaving(WAITS, "slow", after=0.25)

    assert ExampleJob.from_json(job.to_json()) == job
    stays = {**job.to_json(), "disconnect_after": None}
    assert ExampleJob.from_json(stays).disconnect_after is None


@in_module_loop
async def test_a_stream_arrives_piece_by_piece_each_with_its_time(tutor: Tutor):
    code = STREAM.replace("REACTION", "raise").replace("asyncio.sleep(30)", "asyncio.sleep(0.3)")
    job = leaving(code, "stream", after=None)
    report = await tutor.runner.run(job)

    assert report.ok, report
    (response,) = report.responses
    assert ("content-type", "text/event-stream") in response.headers
    assert response.body == "data: 1\n\ndata: 2\n\n"
    first, second = response.pieces
    assert (first.text, second.text) == ("data: 1\n\n", "data: 2\n\n")
    assert 0.3 <= second.at - first.at <= report.elapsed  # the view's own wait, between them


@in_module_loop
async def test_a_body_sent_at_once_has_no_pieces(tutor: Tutor):
    report = await tutor.runner.run(leaving(WAITS.replace("30", "0"), "slow", after=None))

    (response,) = report.responses
    assert (response.body, response.pieces) == ("done", ())
