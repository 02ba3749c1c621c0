"""Two bot processes, started at once against one database, post a due daily quiz once.

Separate OS processes (`python -m bot`), as in an overlapping deploy. They run on the wall
clock, so the schedule is set relative to it: due five minutes ago, inside the grace window,
so both processes owe it at start-up and race for the claim.
"""

from __future__ import annotations

import asyncio
import signal
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from bot.sandbox import LoopbackDiscord
from bot.store import TutorStore
from tests.e2e.test_restart import bot_environment, start_bot
from tests.loopback_fixtures import Scene

READY = b"daily quizzes: start-up round done"


async def read_until(process: asyncio.subprocess.Process, needle: bytes) -> bytes:
    """stderr up to and including the line that contains `needle`."""
    assert process.stderr is not None
    seen = b""
    while needle not in seen:
        line = await process.stderr.readline()
        assert line, f"the bot stopped before logging {needle!r}:\n{seen.decode()}"
        seen += line
    return seen


async def test_two_bot_processes_started_at_once_post_a_due_quiz_once(
    loopback: LoopbackDiscord, scene: Scene, tmp_path: Path
) -> None:
    env = bot_environment(loopback, tmp_path)
    now = datetime.now(UTC)  # noqa: TID251 - the bots in their own processes read the wall clock
    due = now - timedelta(minutes=5)
    async with await TutorStore.open(tmp_path / "tutor.sqlite3") as store:
        await store.quizzes.add_schedule(
            guild_id=scene.guild.id,
            channel_id=scene.channel.id,
            local_time=time(due.hour, due.minute),
            time_zone="UTC",
            pack="demo",
            difficulty=None,
            question_count=1,
            created_by=scene.moderator.id,
            now=now - timedelta(hours=1),
        )
    bots = [await start_bot(env), await start_bot(env)]
    try:
        logs = await asyncio.wait_for(asyncio.gather(*(read_until(bot, READY) for bot in bots)), 60)
    finally:
        for bot in bots:
            bot.send_signal(signal.SIGTERM)
        rests = [(await bot.communicate())[1] for bot in bots]
    quizzes = [m for m in loopback.messages(scene.channel) if "Daily quiz" in m.content]
    assert len(quizzes) == 1
    everything = [log + rest for log, rest in zip(logs, rests, strict=True)]
    assert sum(b"daily quiz 1 posted" in text for text in everything) == 1
    assert all(b"Traceback" not in text and b" ERROR " not in text for text in everything)
    assert [bot.returncode for bot in bots] == [0, 0]
