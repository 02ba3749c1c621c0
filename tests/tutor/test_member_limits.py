"""Runs are bounded per member, beside the global bounds: a member who floods the service
holds up nobody else, and many members at once all get their runs.

The bot is the only client in production, one address for all members, so the member is
the one the bot names in MEMBER_HEADER. Time is a ManualClock: the minute moves by hand.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace

import httpx
import pytest
import pytest_asyncio

from tests.clock import ManualClock
from tests.tutor.conftest import TEST_CONFIG
from tests.tutor.examples import BY_ID
from tutor.asgi import TutorApp
from tutor.members import MemberLimits, OverMemberLimit
from tutor.pool import Runner
from tutor.server import bind, serving
from tutor.service import Tutor
from wire.runs import MEMBER_HEADER

pytestmark = pytest.mark.asyncio(loop_scope="module")
PER_MINUTE = 20
AT_ONCE = 4
ECHO = ("/api/exercises/t/echo/runs", {"fill": {"1": "B", "2": "A"}})
SLEEP = ("/api/exercises/t/sleepers/runs", {"choice": "A"})  # two 0.5 s requests at once


async def test_a_member_has_so_many_runs_at_once():
    limits = MemberLimits(per_minute=100, at_once=2, now=ManualClock().seconds)
    with limits.run_for("member 1"), limits.run_for("member 1"):
        with pytest.raises(OverMemberLimit, match="2 runs of this member are still running"):
            limits._start_run("member 1")
        with limits.run_for("member 2"):  # another member is not held up
            pass
    with limits.run_for("member 1"):  # both ended: room again
        assert limits.in_flight("member 1") == 1
    assert limits.in_flight("member 1") == 0


async def test_a_member_has_so_many_runs_a_minute():
    clock = ManualClock()
    limits = MemberLimits(per_minute=3, at_once=10, now=clock.seconds)
    for _ in range(3):
        with limits.run_for("member 1"):
            pass
    with pytest.raises(OverMemberLimit, match="3 runs of this member in the last minute") as over:
        limits._start_run("member 1")
    assert over.value.retry_after == 60
    with limits.run_for("member 2"):
        pass


async def test_the_minute_slides_with_the_clock():
    clock = ManualClock()
    limits = MemberLimits(per_minute=2, at_once=10, now=clock.seconds)
    with limits.run_for("m"):
        pass
    await clock.advance(40)
    with limits.run_for("m"):
        pass
    with pytest.raises(OverMemberLimit) as over:
        limits._start_run("m")
    assert over.value.retry_after == 20  # the first run leaves the window in 20 s
    await clock.advance(20)
    with limits.run_for("m"):  # it has left
        pass


@dataclass
class Served:
    base: str
    clock: ManualClock
    tutor: Tutor
    app: TutorApp


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def served(tutor: Tutor) -> AsyncIterator[Served]:
    """A service with tight per-member bounds, on loopback. Its run timeout is generous: a
    shared two-core machine running 200 forks at once is slow, and timing is not the point."""
    clock = ManualClock()
    config = replace(
        TEST_CONFIG,
        run_timeout=30.0,
        member_runs_per_minute=PER_MINUTE,
        member_runs_at_once=AT_ONCE,
    )
    sock = bind("127.0.0.1", 0)
    runner = Runner(example_api_url=tutor.runner.example_api_url, timeout=config.run_timeout)
    service = Tutor(config, BY_ID, runner, now=clock.seconds)
    app = TutorApp(service, manage_runner=False)
    async with runner, serving(app, sock):
        yield Served(f"http://127.0.0.1:{sock.getsockname()[1]}", clock, service, app)


def client(base: str) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=None)
    return httpx.AsyncClient(base_url=base, limits=limits, timeout=120)


def in_process(app: TutorApp) -> httpx.AsyncClient:
    """The same app without sockets: a flood of 500 stays cheap on a shared machine."""
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1", timeout=120)


async def run(http: httpx.AsyncClient, member: int, what=ECHO) -> httpx.Response:
    path, body = what
    return await http.post(path, json=body, headers={MEMBER_HEADER: str(member)})


async def test_over_the_bound_is_429_with_retry_after_and_a_minute_later_it_runs(served):
    async with client(served.base) as http:
        answers = [await run(http, 7) for _ in range(PER_MINUTE + 1)]
        assert [answer.status_code for answer in answers] == [200] * PER_MINUTE + [429]
        refused = answers[-1]
        assert refused.headers["Retry-After"] == "60"
        assert "in the last minute" in refused.json()["error"]
        assert (await run(http, 8)).status_code == 200  # another member runs meanwhile
        await served.clock.advance(60)
        assert (await run(http, 7)).status_code == 200


async def test_one_member_flooding_does_not_hold_up_another(served):
    """Member 1 sends 500 runs at once; member 2's ten runs, one after another, each answer.

    Asserted by counts, not by a stopwatch: member 1 gets at most its minute's worth of runs
    (at most AT_ONCE in flight), the rest are refused at once, so member 2's runs wait behind
    a bounded few, however many the flood sends. Without the bound all 500 would run first."""
    await served.clock.advance(60)  # a fresh minute for everyone
    completed: list[tuple[int, int]] = []

    async def flood_one(http: httpx.AsyncClient) -> None:
        answer = await run(http, 1, SLEEP)
        completed.append((1, answer.status_code))

    async with in_process(served.app) as flooder, in_process(served.app) as other:
        flood = asyncio.gather(*(flood_one(flooder) for _ in range(500)))
        for _ in range(10):
            answer = await run(other, 2)
            assert answer.status_code == 200
            assert answer.json()["responses"][0]["body"] == '{"echo": "hello"}'
            completed.append((2, 200))
        await flood
    flooded = [status for member, status in completed if member == 1]
    assert len(flooded) == 500
    assert set(flooded) <= {200, 429}
    assert flooded.count(200) <= PER_MINUTE
    last_of_member_2 = max(i for i, (member, _) in enumerate(completed) if member == 2)
    runs_before = [s for m, s in completed[:last_of_member_2] if m == 1 and s == 200]
    assert len(runs_before) <= PER_MINUTE  # member 2 never waited behind the flood's runs


async def test_200_members_running_at_once_all_get_their_runs(served):
    """The speed issue's 200 concurrent runs, from 200 members, over real connections."""
    await served.clock.advance(60)
    assert served.tutor.runner.max_concurrent >= 200
    async with client(served.base) as http:
        answers = await asyncio.gather(*(run(http, 1000 + n, SLEEP) for n in range(200)))
    assert [answer.status_code for answer in answers] == [200] * 200
    assert all(answer.json()["error"] is None for answer in answers)
    assert not any(answer.json()["timed_out"] for answer in answers)
