"""The tutor's test wiring: Django configured for the API once, a runner with a real example API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest_asyncio

from tests.tutor.examples import BY_ID
from tutor.asgi import TutorApp
from tutor.config import TutorConfig
from tutor.pool import Runner
from tutor.server import bind, serving
from tutor.service import Tutor
from tutor.settings import configure

TEST_CONFIG = TutorConfig(
    run_timeout=3.0,
    allowed_hosts=("testserver",),
    # one address sends every test's runs here; the per-member bounds have tests of their own
    member_runs_per_minute=10**6,
    member_runs_at_once=2000,
)
configure(TEST_CONFIG)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def tutor() -> AsyncIterator[Tutor]:
    """The service for the hand-built exercises, its example API on a free loopback port."""
    sock = bind("127.0.0.1", 0)
    runner = Runner(
        example_api_url=TEST_CONFIG.example_api_url(sock.getsockname()[1]),
        timeout=TEST_CONFIG.run_timeout,
        max_concurrent=TEST_CONFIG.max_concurrent_runs,
    )
    service = Tutor(TEST_CONFIG, BY_ID, runner)
    async with runner, serving(TutorApp(service, manage_runner=False), sock):
        yield service


QUICK_TIMEOUT = 0.5
"""The run timeout of `quick_to_time_out`: a test of a run past its timeout waits it out."""


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def quick_to_time_out(tutor: Tutor) -> AsyncIterator[Tutor]:
    """The same service with a runner of its own that stops runs after QUICK_TIMEOUT, for the
    tests of a run past its timeout (the others keep TEST_CONFIG's, which a loaded machine's
    slowest run stays well inside)."""
    runner = Runner(example_api_url=tutor.runner.example_api_url, timeout=QUICK_TIMEOUT)
    async with runner:
        yield replace(tutor, runner=runner)
