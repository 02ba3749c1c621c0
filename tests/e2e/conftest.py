"""End-to-end tests drive the real bot through the loopback Discord.

The fixtures come from `tests/loopback_fixtures.py` (registered in `tests/conftest.py`):
`loopback`, `scene`, `manual_clock`, `discord_spec`, `logged_errors`, `rejected_bodies`.
Here every test fails on an ERROR it did not declare, whether or not it uses `loopback`.
See tests/README.md for how to write such a test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.e2e.bots import e2e_catalog
from tests.loopback_fixtures import LoggedErrors
from tutor.asgi import TutorApp
from tutor.config import TutorConfig
from tutor.pool import Runner
from tutor.server import bind, serving
from tutor.service import Tutor
from tutor.settings import configure


@pytest.fixture(autouse=True)
def _errors_fail_tests(logged_errors: LoggedErrors) -> LoggedErrors:
    return logged_errors


CONFIG = TutorConfig(run_timeout=5.0)


@pytest.fixture
async def tutor_url() -> AsyncIterator[str]:
    """The tutor service for the e2e catalog, under uvicorn on a free loopback port."""
    configure(CONFIG)
    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    runner = Runner(example_api_url=CONFIG.example_api_url(port), timeout=CONFIG.run_timeout)
    service = Tutor(CONFIG, e2e_catalog().exercises, runner)
    async with runner, serving(TutorApp(service, manage_runner=False), sock):
        yield f"http://127.0.0.1:{port}"
