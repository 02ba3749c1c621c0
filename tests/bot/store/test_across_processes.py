"""The rules hold across bot processes sharing one PostgreSQL database: 20 clicks from one
member on one post, ten from each of two processes at once, record exactly the limit."""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.store import TutorStore
from exercises.model import Difficulty
from exercises.progress import PostContext
from tests.postgres import fresh_schema

ROOT = Path(__file__).parents[3]
NOON = datetime(2025, 3, 12, 12, 0, tzinfo=UTC)
ALICE = 1_000_000_000_000_000_001


async def clicker(url: str, post_id: int, first: int, answers: list[str]):
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.bot.store.clicker",
        url,
        str(post_id),
        str(ALICE),
        str(first),
        *answers,
        cwd=ROOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    assert await asyncio.wait_for(process.stdout.readline(), 30) == b"ready\n"
    return process


@pytest.mark.postgres
async def test_twenty_clicks_split_across_two_processes_record_the_limit():
    async with fresh_schema() as url, await TutorStore.open(url) as store:
        post = await store.create_post(
            guild_id=1,
            channel_id=2,
            exercise_id="demo/three-blanks",
            content_hash="h",
            difficulty=Difficulty.HARD,
            context=PostContext.PRACTICE,
            attempt_limit=3,
            posted_at=NOON,
        )
        answers = ["".join(letters) for letters in itertools.product("ABCD", repeat=3)][:20]
        processes = [
            await clicker(url.secret(), post.post_id, 1000, answers[:10]),
            await clicker(url.secret(), post.post_id, 2000, answers[10:]),
        ]
        for process in processes:  # both start clicking at once
            assert process.stdin is not None
            process.stdin.write(b"go\n")
            await process.stdin.drain()
        outputs = [await asyncio.wait_for(p.communicate(), 60) for p in processes]
        assert [p.returncode for p in processes] == [0, 0]
        outcomes = Counter(outcome for out, _ in outputs for outcome in json.loads(out.decode()))
        assert outcomes == {"recorded": 3, "no-attempts-left": 17}
        progress = await store.progress_on_post(post_id=post.post_id, member_id=ALICE)
        assert (progress.attempts_used, progress.attempts_left) == (3, 0)
        given = await store.answers_given(post_id=post.post_id, member_id=ALICE)
        assert len(given) == 3
        assert set(given) <= set(answers)
