"""Fixtures for tests against the loopback Discord, shared by tests/sandbox and tests/e2e.

- `loopback`: a started LoopbackDiscord on a manual clock, with discord.py pointed at it.
- Every request body is checked against Discord's OpenAPI description (DISCORD_OPENAPI_SPEC,
  loaded once per session); a body it rejects fails the test that sent it.
  A test that sends one on purpose says so with `rejected_bodies.expect(pattern)`.
- Any ERROR logged (by the bot or discord.py) fails a test that uses `loopback` (or
  `logged_errors`; tests/sandbox and tests/e2e turn it on for all their tests), unless it called
  `logged_errors.expect(pattern)` for its own fault injection; an expected ERROR that never
  comes fails it too.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import discord
import pytest

from bot.discord_target import point_discord_at
from bot.sandbox import Channel, Guild, LoopbackDiscord, Member
from bot.sandbox.spec import DiscordSpec
from tests.clock import ManualClock

SPEC_VARIABLE = "DISCORD_OPENAPI_SPEC"
_LOOPBACKS = pytest.StashKey[list[LoopbackDiscord]]()
_ERRORS = pytest.StashKey["LoggedErrors"]()
_REJECTED = pytest.StashKey["RejectedBodies"]()
SPEC_NOTE = (
    f"{SPEC_VARIABLE} is not set: request bodies were NOT validated against Discord's "
    "OpenAPI description (everything else ran)"
)


@pytest.fixture(scope="session")
def discord_spec() -> DiscordSpec | None:
    """Discord's OpenAPI description, or None (and a note in the summary) when not configured."""
    location = os.environ.get(SPEC_VARIABLE)
    if not location:
        return None  # and the summary says so
    return DiscordSpec.load(Path(location))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Said by the process that prints the summary (with pytest-xdist, not a worker's)."""
    if not os.environ.get(SPEC_VARIABLE):
        terminalreporter.write_line(f"loopback Discord: {SPEC_NOTE}", yellow=True)


@pytest.fixture
def manual_clock() -> ManualClock:
    """The clock of the stand-in (and of the bot, if the test passes it on); moves by hand."""
    return ManualClock()


@pytest.fixture
def before_loopback_starts() -> list[Callable[[LoopbackDiscord], None]]:
    """What to add to the stand-in before it starts (its routes freeze then); a test module
    overrides this fixture, e.g. to serve the sandbox page beside the API."""
    return []


@pytest.fixture
async def loopback(
    request: pytest.FixtureRequest,
    manual_clock: ManualClock,
    discord_spec: DiscordSpec | None,
    rejected_bodies: RejectedBodies,
    logged_errors: LoggedErrors,
    before_loopback_starts: list[Callable[[LoopbackDiscord], None]],
) -> AsyncIterator[LoopbackDiscord]:
    """The stand-in; using it also turns on the spec check and the ERROR guard.

    `@pytest.mark.loopback_shards(N)` makes it require N shards (GET /gateway/bot says N)."""
    shards = request.node.get_closest_marker("loopback_shards")
    discord_in_tests = LoopbackDiscord(
        clock=manual_clock, spec=discord_spec, shard_count=shards.args[0] if shards else 1
    )
    for add in before_loopback_starts:
        add(discord_in_tests)
    await discord_in_tests.start()
    request.node.stash.setdefault(_LOOPBACKS, []).append(discord_in_tests)
    saved = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    point_discord_at(api_base=discord_in_tests.api_base, gateway_url=discord_in_tests.gateway_url)
    try:
        yield discord_in_tests
    finally:
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved
        await discord_in_tests.stop()
    _fail_on_spec_problems(request.node)


@dataclass
class Scene:
    """One guild with a #practice channel, two members and a moderator."""

    guild: Guild
    channel: Channel
    alice: Member
    bob: Member
    moderator: Member


@pytest.fixture
def scene(loopback: LoopbackDiscord) -> Scene:
    guild = loopback.add_guild("Tutor Test")
    return Scene(
        guild=guild,
        channel=loopback.add_channel(guild, "practice"),
        alice=loopback.add_member(guild, "alice"),
        bob=loopback.add_member(guild, "bob"),
        moderator=loopback.add_member(guild, "mod", moderator=True),
    )


@dataclass
class LoggedErrors(logging.Handler):
    """ERROR records logged during a test; the ones a test expects are listed by pattern."""

    records: list[logging.LogRecord] = field(default_factory=list)
    expected: list[re.Pattern[str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        logging.Handler.__init__(self, level=logging.ERROR)

    def __hash__(self) -> int:
        return id(self)

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def expect(self, pattern: str) -> None:
        """This test causes an ERROR matching `pattern` (searched in message and traceback)."""
        self.expected.append(re.compile(pattern))

    def problems(self) -> list[str]:
        texts = [_text_of(record) for record in self.records]
        unexpected = [t for t in texts if not any(p.search(t) for p in self.expected)]
        unmet = [p.pattern for p in self.expected if not any(p.search(t) for t in texts)]
        found = [f"unexpected ERROR logged:\n{text}" for text in unexpected]
        return found + [
            f"expected an ERROR matching {pattern!r}, none was logged" for pattern in unmet
        ]


def _text_of(record: logging.LogRecord) -> str:
    text = f"{record.name}: {record.getMessage()}"
    if record.exc_info:
        text += "\n" + logging.Formatter().formatException(record.exc_info)
    return text


@pytest.fixture
def logged_errors(request: pytest.FixtureRequest) -> Iterator[LoggedErrors]:
    handler = LoggedErrors()
    request.node.stash[_ERRORS] = handler
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Fail the test itself (not its teardown) on a rejected body or an unexpected ERROR."""
    result = yield
    _fail_on_spec_problems(item)
    handler = item.stash.get(_ERRORS, None)
    if handler is not None and (problems := handler.problems()):
        handler.records.clear()
        pytest.fail("\n\n".join(problems), pytrace=False)
    return result


def _fail_on_spec_problems(item: pytest.Item) -> None:
    rejected = item.stash.get(_REJECTED, None)
    if rejected is None:
        return
    problems = rejected.problems(item.stash.get(_LOOPBACKS, []))
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


@dataclass
class RejectedBodies:
    """Bodies Discord's description rejects; a test that sends one on purpose expects it."""

    expected: list[re.Pattern[str]] = field(default_factory=list)
    reported: set[int] = field(default_factory=set)

    def expect(self, pattern: str) -> None:
        self.expected.append(re.compile(pattern))

    def problems(self, loopbacks: list[LoopbackDiscord]) -> list[str]:
        rejected = [
            recorded
            for discord_in_tests in loopbacks
            for recorded in discord_in_tests.requests
            if recorded.spec_problem and id(recorded) not in self.reported
        ]
        self.reported.update(id(recorded) for recorded in rejected)
        return [
            f"Discord's OpenAPI description rejects what the bot sent: {recorded.spec_problem}"
            for recorded in rejected
            if not any(pattern.search(recorded.spec_problem or "") for pattern in self.expected)
        ]


@pytest.fixture
def rejected_bodies(request: pytest.FixtureRequest) -> RejectedBodies:
    rejected = RejectedBodies()
    request.node.stash[_REJECTED] = rejected
    return rejected
