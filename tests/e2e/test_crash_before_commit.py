"""A SIGKILL between a batch of writes and its COMMIT loses only clicks never answered."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import sys
from pathlib import Path

from bot.sandbox import LoopbackDiscord
from tests.e2e.bots import answer_id
from tests.e2e.test_restart import bot_environment, start_bot
from tests.loopback_fixtures import Scene

ANSWERED_BEFORE = 3


def recorded(database: Path) -> set[int]:
    with sqlite3.connect(database) as db:
        return {row[0] for row in db.execute("SELECT interaction_id FROM attempts")}


async def test_a_kill_before_a_batch_commits_loses_only_clicks_never_answered(
    loopback: LoopbackDiscord, scene: Scene, tmp_path: Path
) -> None:
    env = bot_environment(loopback, tmp_path)
    database = Path(env["DATABASE_PATH"])
    members = [loopback.add_member(scene.guild, f"member{n}") for n in range(8)]
    sync = await start_bot(env, "sync", "--guild", str(scene.guild.id))
    assert await sync.wait() == 0
    mark = loopback.session_events
    doomed = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.e2e.killed_before_commit", str(ANSWERED_BEFORE), env=env
    )
    try:
        await loopback.wait_for_session("ready", after=mark, within=20)
        post = await loopback.reply_to(
            await loopback.run_command(scene.alice, scene.channel, "practice", pack="demo")
        )
        answer = answer_id(post, "B")
        answered = []
        for member in members[:ANSWERED_BEFORE]:
            clicked = await loopback.click(member, post, answer)
            await loopback.reply_to(clicked)
            answered.append(clicked)
        burst = [await loopback.click(member, post, answer) for member in members[ANSWERED_BEFORE:]]
        assert await asyncio.wait_for(doomed.wait(), 20) == -signal.SIGKILL
    finally:
        if doomed.returncode is None:
            doomed.kill()
            await doomed.wait()

    assert recorded(database) == {click.id for click in answered}
    assert not any(click.acknowledged for click in burst)  # none was told it counted

    mark = loopback.session_events
    restarted = await start_bot(env)
    try:
        await loopback.wait_for_session("ready", after=mark, within=20)
        again = await loopback.click(members[-1], post, answer)
        reply = await loopback.reply_to(again)
    finally:
        restarted.send_signal(signal.SIGTERM)
        _, stderr = await restarted.communicate()

    assert "Not quite" in reply.content or "Correct" in reply.content
    assert recorded(database) == {click.id for click in answered} | {again.id}
    assert restarted.returncode == 0
    assert b"Traceback" not in stderr
