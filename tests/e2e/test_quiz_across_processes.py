"""Daily quizzes with several bot processes on one PostgreSQL database: through a rolling
restart (the new process is up before the old one stops) a due quiz is posted once; with
two shards, each process posts only its own servers' quizzes.

Separate OS processes (`python -m bot`) on the wall clock, as in tests/e2e/test_quiz_processes.py:
each schedule is due five minutes ago, inside the grace window, so it is owed at start-up.
"""

from __future__ import annotations

import asyncio
import signal
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.sandbox import Guild, LoopbackDiscord
from bot.store import TutorStore
from bot.store.location import PostgresUrl
from tests.e2e.test_quiz_processes import READY, read_until
from tests.e2e.test_restart import one_question_pack
from tests.e2e.test_shards import start_bot
from tests.postgres import fresh_schema


def settings(loopback: LoopbackDiscord, url: PostgresUrl, tmp_path: Path) -> dict[str, str]:
    return {
        "DISCORD_TOKEN": loopback.token,
        "DISCORD_API_BASE": loopback.api_base,
        "DISCORD_GATEWAY_URL": loopback.gateway_url,
        "EXERCISES_PATH": str(one_question_pack(tmp_path)),
        "TUTOR_URL": "http://127.0.0.1:9",
        "DATABASE_URL": url.secret(),
    }


async def schedule_due_now(url: PostgresUrl, guild: Guild, channel_id: int, by: int) -> int:
    now = datetime.now(UTC)  # noqa: TID251 - the bots in their own processes read the wall clock
    due = now - timedelta(minutes=5)
    async with await TutorStore.open(url) as store:
        schedule = await store.quizzes.add_schedule(
            guild_id=guild.id,
            channel_id=channel_id,
            local_time=time(due.hour, due.minute),
            time_zone="UTC",
            pack="demo",
            difficulty=None,
            question_count=1,
            created_by=by,
            now=now - timedelta(hours=1),
        )
    return schedule.schedule_id


async def stop(process: asyncio.subprocess.Process) -> bytes:
    process.send_signal(signal.SIGTERM)
    _, rest = await process.communicate()
    assert process.returncode == 0
    return rest


def daily_quizzes(loopback: LoopbackDiscord, channel) -> list:
    return [m for m in loopback.messages(channel) if "Daily quiz" in m.content]


@pytest.mark.postgres
async def test_a_due_quiz_is_posted_once_through_a_rolling_restart(
    loopback: LoopbackDiscord, tmp_path: Path
) -> None:
    guild = loopback.add_guild("server")
    channel = loopback.add_channel(guild, "quiz")
    moderator = loopback.add_member(guild, "mod", moderator=True)
    async with fresh_schema() as url:
        schedule_id = await schedule_due_now(url, guild, channel.id, moderator.id)
        env = settings(loopback, url, tmp_path)
        old = await start_bot(env, tmp_path / "old")
        new = None
        try:
            old_log = await asyncio.wait_for(read_until(old, READY), 60)
            new = await start_bot(env, tmp_path / "new")  # both run, on the same shard
            new_log = await asyncio.wait_for(read_until(new, READY), 60)
            old_log += await stop(old)  # the old one stops while the new one goes on
            await loopback.wait_for_session("ready", after=0)
        finally:
            if old.returncode is None:
                old_log += await stop(old)
            if new is not None:
                new_log += await stop(new)
    assert len(daily_quizzes(loopback, channel)) == 1
    posted = f"daily quiz {schedule_id} posted".encode()
    assert posted in old_log  # due at start-up: the old process posted it ...
    assert posted not in new_log  # ... and the new one saw the claim and posted nothing
    for log in (old_log, new_log):
        assert b"Traceback" not in log
        assert b" ERROR " not in log


@pytest.mark.postgres
@pytest.mark.loopback_shards(2)
async def test_each_shards_process_posts_only_its_own_servers_quizzes(
    loopback: LoopbackDiscord, tmp_path: Path
) -> None:
    guilds = [loopback.add_guild(f"server {n}") for n in range(2)]
    by_shard = {loopback.world.shard_of(guild.id): guild for guild in guilds}
    assert set(by_shard) == {0, 1}
    channels = {shard: loopback.add_channel(g, "quiz") for shard, g in by_shard.items()}
    async with fresh_schema() as url:
        schedules = {
            shard: await schedule_due_now(
                url, guild, channels[shard].id, loopback.add_member(guild, "mod").id
            )
            for shard, guild in by_shard.items()
        }
        env = settings(loopback, url, tmp_path) | {"SHARD_COUNT": "2"}
        bots = {
            shard: await start_bot(env | {"SHARD_IDS": str(shard)}, tmp_path / f"shard-{shard}")
            for shard in (0, 1)
        }
        logs = dict.fromkeys(bots, b"")
        try:
            for shard, bot in bots.items():
                logs[shard] = await asyncio.wait_for(read_until(bot, READY), 60)
        finally:
            for shard, bot in bots.items():
                logs[shard] += await stop(bot)
    for shard in (0, 1):
        assert len(daily_quizzes(loopback, channels[shard])) == 1
        assert f"daily quiz {schedules[shard]} posted".encode() in logs[shard]
        assert f"daily quiz {schedules[1 - shard]} posted".encode() not in logs[shard]
        assert b"Traceback" not in logs[shard]
        assert b" ERROR " not in logs[shard]
