"""End-to-end tests drive the real bot through the loopback Discord.

The fixtures come from `tests/loopback_fixtures.py` (registered in `tests/conftest.py`):
`loopback`, `scene`, `manual_clock`, `discord_spec`, `logged_errors`, `rejected_bodies`.
Here every test fails on an ERROR it did not declare, whether or not it uses `loopback`.
See tests/README.md for how to write such a test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.e2e.bots import serving_tutor
from tests.loopback_fixtures import LoggedErrors
from tutor.config import TutorConfig


@pytest.fixture(autouse=True)
def _errors_fail_tests(logged_errors: LoggedErrors) -> LoggedErrors:
    return logged_errors


CONFIG = TutorConfig(run_timeout=5.0)


@pytest.fixture
async def tutor_url() -> AsyncIterator[str]:
    """The tutor service for the e2e catalog, under uvicorn on a free loopback port."""
    async with serving_tutor(CONFIG) as url:
        yield url
