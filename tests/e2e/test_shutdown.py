"""SIGTERM during a burst of clicks: every click already delivered is answered and recorded."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from contextlib import closing
from pathlib import Path

from bot.custom_ids import AnswerChoice
from bot.sandbox import LoopbackDiscord
from tests.e2e.test_restart import bot_environment, start_bot
from tests.loopback_fixtures import Scene

BURST = 20


async def test_sigterm_during_a_burst_answers_and_records_every_delivered_click(
    loopback: LoopbackDiscord, scene: Scene, tmp_path: Path
) -> None:
    env = bot_environment(loopback, tmp_path)
    sync = await start_bot(env, "sync", "--guild", str(scene.guild.id))
    assert await sync.wait() == 0
    members = [loopback.add_member(scene.guild, f"learner{n}") for n in range(BURST)]
    mark = loopback.session_events
    bot = await start_bot(env)
    try:
        await loopback.wait_for_session("ready", after=mark, within=20)
        asked = await loopback.run_command(scene.alice, scene.channel, "practice", pack="demo")
        post = await loopback.reply_to(asked)
        post_id = int(next(iter(post.buttons())).split(":")[2])
        click = AnswerChoice(post_id, "A").to_id()
        clicks = await asyncio.gather(*(loopback.click(m, post, click) for m in members))
        bot.send_signal(signal.SIGTERM)  # every click above is already on the bot's socket
        _, stderr = await asyncio.wait_for(bot.communicate(), 15)
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()

    assert bot.returncode == 0, stderr.decode()
    answers = [await loopback.reply_to(interaction, within=1) for interaction in clicks]
    assert all("attempt" in answer.content for answer in answers), [a.content for a in answers]
    with closing(sqlite3.connect(env["DATABASE_PATH"])) as db:
        recorded = {row[0] for row in db.execute("SELECT member_id FROM attempts")}
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert recorded == {member.user.id for member in members}
    assert b"Traceback" not in stderr
