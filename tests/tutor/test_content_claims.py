"""Claims the shipped exercises make in prose, shown by real runs in the examples' project.

`tutor verify` proves each exercise's own request; these runs prove what its prose says
beyond that request (another status, another server, another ordering).
"""

from __future__ import annotations

import dataclasses
import json

import pytest

from exercises import load_catalog
from tutor.jobs import ExampleJob, build_job
from tutor.service import Tutor
from wire.runs import RunReport

pytestmark = pytest.mark.asyncio(loop_scope="module")
CATALOG = load_catalog()


async def relay(tutor: Tutor, path: str) -> tuple[int, object]:
    """The shipped raise-for-status exercise's correct code, asked for another upstream status."""
    exercise = CATALOG.get("async-http-and-middleware/raise-for-status")
    job = dataclasses.replace(build_job(exercise, exercise.answer_key), path=path)
    report = await tutor.runner.run(job)
    assert report.ok, report
    (response,) = report.responses
    return response.status, json.loads(response.body)


async def test_raise_for_status_raises_for_a_redirect_which_httpx_does_not_follow(tutor):
    assert await relay(tutor, "/partner/302/") == (
        502,
        {"error": "partner service failed", "upstream_status": 302},
    )


async def test_a_missing_item_is_passed_on_as_404_and_a_success_as_itself(tutor):
    assert await relay(tutor, "/partner/404/") == (404, {"error": "not found"})
    assert await relay(tutor, "/partner/200/") == (200, {"status": 200})


async def coroutine(tutor: Tutor, code: str) -> RunReport:
    return await tutor.runner.run(ExampleJob(code=code, entry="main", entry_kind="coroutine"))


DRIP = """
import asyncio
import httpx

DRIPS, GAP = 5, 0.3  # one byte every 0.3 s: 1.5 s in all, never 0.5 s without a byte

async def drip(reader, writer):
    await reader.readuntil(b"\\r\\n\\r\\n")
    writer.write(b"HTTP/1.1 200 OK\\r\\nContent-Length: %d\\r\\n\\r\\n" % DRIPS)
    for _ in range(DRIPS):
        await writer.drain()
        await asyncio.sleep(GAP)
        writer.write(b".")
    await writer.drain()
    writer.close()

async def fetch(port):
    async with httpx.AsyncClient(timeout=httpx.Timeout(0.5)) as client:
        response = await client.get(f"http://127.0.0.1:{port}/")
    return [response.status_code, response.text]
"""


async def test_an_httpx_timeout_limits_each_wait_not_the_whole_request(tutor):
    report = await coroutine(
        tutor,
        DRIP
        + """
async def main():
    server = await asyncio.start_server(drip, "127.0.0.1", 0)
    async with server:
        return await fetch(server.sockets[0].getsockname()[1])
""",
    )

    assert report.ok, report
    assert report.returns == ([200, "....."],)  # 1.5 s of drips under Timeout(0.5)


async def test_asyncio_timeout_sets_a_deadline_for_the_whole_request(tutor):
    report = await coroutine(
        tutor,
        DRIP
        + """
async def main():
    server = await asyncio.start_server(drip, "127.0.0.1", 0)
    async with server:
        async with asyncio.timeout(0.5):
            return await fetch(server.sockets[0].getsockname()[1])
""",
    )

    assert report.error is not None
    assert report.error.type == "TimeoutError"


async def test_a_created_task_starts_only_when_its_creator_gives_up_control(tutor):
    report = await coroutine(
        tutor,
        """
import asyncio

async def main():
    order = []

    async def body():
        order.append("task body")

    task = asyncio.create_task(body())
    order.append("creator goes on")
    await asyncio.sleep(0)
    order.append("creator resumes")
    await task
    return order
""",
    )

    assert report.returns == (["creator goes on", "task body", "creator resumes"],)


ATOMIC = """
from asgiref.sync import sync_to_async
from django.db import transaction
from django.http import JsonResponse
from library.models import Book

def rename_in_one_transaction():
    with transaction.atomic():
        book = Book.objects.select_for_update().get(pk=5)
        book.title = "Small Gods (2nd edition)"
        book.save()
    return Book.objects.get(pk=5).title

async def in_a_thread(request):
    return JsonResponse({"title": await sync_to_async(rename_in_one_transaction)()})

async def on_the_loop(request):
    with transaction.atomic():
        title = (await Book.objects.aget(pk=5)).title
    return JsonResponse({"title": title})
"""


async def test_a_transaction_belongs_in_one_sync_function_run_by_sync_to_async(tutor):
    def job(view: str) -> ExampleJob:
        return ExampleJob(code=ATOMIC, entry=view, entry_kind="view", route="b/", path="/b/")

    in_a_thread = await tutor.runner.run(job("in_a_thread"))
    on_the_loop = await tutor.runner.run(job("on_the_loop"))

    assert in_a_thread.ok, in_a_thread
    assert json.loads(in_a_thread.responses[0].body) == {"title": "Small Gods (2nd edition)"}
    assert on_the_loop.error is not None
    assert on_the_loop.error.type == "SynchronousOnlyOperation"


async def test_django_refuses_atomic_requests_for_an_async_view(tutor):
    code = """
from django.db import connections
from django.http import HttpResponse

connections.settings["default"]["ATOMIC_REQUESTS"] = True  # this run's process only

async def view(request):
    return HttpResponse("served in a transaction")
"""
    job = ExampleJob(code=code, entry="view", entry_kind="view", route="v/", path="/v/")

    report = await tutor.runner.run(job)

    assert report.error is not None
    assert report.error.type == "RuntimeError"
    assert "ATOMIC_REQUESTS with async views" in report.error.message


VIEWS_AND_THREADS = """
import threading
import time
from django.http import HttpResponse

def on_loop_thread():
    return "loop thread" if threading.current_thread() is threading.main_thread() else "worker"

def plain(request):
    time.sleep(0.1)
    return HttpResponse(f"plain def view, {on_loop_thread()}")

async def awaiting(request):
    return HttpResponse(f"async view, {on_loop_thread()}")
"""


async def served(tutor: Tutor, view: str) -> str:
    job = ExampleJob(code=VIEWS_AND_THREADS, entry=view, entry_kind="view", route="v/", path="/v/")
    report = await tutor.runner.run(job)
    assert report.ok, report
    return report.responses[0].body


async def test_a_plain_def_view_is_a_valid_sync_view_run_in_a_worker_thread(tutor):
    assert await served(tutor, "plain") == "plain def view, worker"
    assert await served(tutor, "awaiting") == "async view, loop thread"
