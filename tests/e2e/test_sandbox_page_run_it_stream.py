""" "Run it" on a streamed response, in the sandbox page as a member reads it (headless
Chromium, the real bot, the real tutor service): the status and the headers that matter, then
the body piece by piece, each with the time it arrived, in a code block."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from playwright.async_api import expect

from bot.practice.run_it import ExampleRunner
from bot.practice.tutor_client import TutorClient
from bot.sandbox import LoopbackDiscord
from bot.sandbox.page import install_page
from exercises import Request
from exercises.model import Expectation
from exercises.shown_order import BY_POST, post_order
from tests.browser import Screenshots, chromium_page
from tests.clock import ManualClock
from tests.e2e.bots import running_bot, serving_tutor, with_exercise
from tests.e2e.conftest import CONFIG
from tests.e2e.sandbox_page import run
from tests.loopback_fixtures import Scene
from tests.tutor.examples import choice

PRELUDE = "import asyncio\nfrom django.http import HttpResponse, StreamingHttpResponse\n"
STREAMED = (
    "async def ticks(request):\n"
    "    async def pieces():\n"
    "        for n in range(3):\n"
    "            await asyncio.sleep(0.2)\n"
    "            yield f'tick {n}\\n'\n"
    "    return StreamingHttpResponse(pieces(), content_type='text/plain')"
)
AT_ONCE = (
    "async def ticks(request):\n"
    "    return HttpResponse('tick 0\\ntick 1\\ntick 2\\n', content_type='text/plain')"
)
TICKS = choice(
    "demo/stream-ticks",
    [STREAMED, AT_ONCE],
    "A",
    prelude=PRELUDE,
    view="ticks",
    request=Request(path="/ticks/"),
    expect=Expectation(status=200, body="tick 0\ntick 1\ntick 2\n", min_seconds=0.6),
)
"""Three ticks a fifth of a second apart, streamed (the answer) or sent at once."""


@pytest.fixture
def before_loopback_starts() -> list[Callable[[LoopbackDiscord], None]]:
    return [install_page]


async def test_a_streamed_run_reads_piece_by_piece(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> None:
    catalog = with_exercise(TICKS)
    async with (
        serving_tutor(CONFIG, catalog) as tutor_url,
        chromium_page(tmp_path / "chromium-profile") as page,
        httpx.AsyncClient() as http,
        running_bot(
            loopback,
            scene,
            manual_clock,
            tmp_path / "s.sqlite3",
            catalog=catalog,
            runner=ExampleRunner(TutorClient(http, tutor_url), cooldown_seconds=0),
            preview=True,
        ),
    ):
        shots = Screenshots(page, "sandbox-page-run-it-stream")
        await page.goto(f"{loopback.server.base_url}/?as=alice")
        await run(page, "preview", exercise=TICKS.id)
        post = page.locator("article.message", has_text="stream-ticks").last
        streamed = post_order(TICKS, 1, BY_POST).shown("A")  # the first post of a new database
        await post.get_by_role("button", name=streamed, exact=True).click()
        right = page.locator("article.ephemeral", has_text="Correct!")
        await right.get_by_role("button", name="Run it").click()

        ran = page.locator("article.ephemeral", has_text="Your answer")
        code = ran.locator("figure.code").first
        await expect(ran).to_contain_text(f"option {streamed} · ")
        await expect(code).to_contain_text("200 OK")
        await expect(code).to_contain_text("text/plain")
        for n in range(3):
            await expect(code).to_contain_text(f"tick {n}")
        stamps = await code.inner_text()
        times = [
            float(line.split("]")[0].strip("[ s"))
            for line in stamps.splitlines()
            if "tick" in line and line.startswith("[")
        ]
        assert len(times) == 3, stamps
        assert times == sorted(times), stamps  # the pieces came one after another
        assert times[-1] - times[0] >= 0.3, stamps  # a fifth of a second apart, not at once
        await shots.take("run-it-streamed")
    assert all(shot.stat().st_size > 0 for shot in shots.taken)
