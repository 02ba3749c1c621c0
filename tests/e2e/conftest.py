"""End-to-end tests drive the real bot through the loopback Discord.

The fixtures come from `tests/loopback_fixtures.py` (registered in `tests/conftest.py`):
`loopback`, `scene`, `manual_clock`, `discord_spec`, `logged_errors`, `rejected_bodies`.
Here every test fails on an ERROR it did not declare, whether or not it uses `loopback`.
See tests/README.md for how to write such a test.
"""

from __future__ import annotations

import pytest

from tests.loopback_fixtures import LoggedErrors


@pytest.fixture(autouse=True)
def _errors_fail_tests(logged_errors: LoggedErrors) -> LoggedErrors:
    return logged_errors
