"""A member whose answer cannot be stored (the disk is full) is told so plainly, and the log
holds no traceback for it: the store counts such failures and logs one line a minute."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

from bot.interactions.custom_ids import AnswerChoice
from bot.interactions.replies import SOMETHING_WENT_WRONG
from bot.sandbox import LoopbackDiscord
from tests.e2e.test_restart import bot_environment, start_bot
from tests.loopback_fixtures import Scene


async def test_a_member_whose_answer_cannot_be_stored_gets_the_plain_apology_and_no_traceback(
    loopback: LoopbackDiscord, scene: Scene, tmp_path: Path
) -> None:
    env = bot_environment(loopback, tmp_path)
    sync = await start_bot(env, "sync", "--guild", str(scene.guild.id))
    assert await sync.wait() == 0
    mark = loopback.session_events
    bot = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.e2e.full_disk_bot", env=env, stderr=asyncio.subprocess.PIPE
    )
    try:
        await loopback.wait_for_session("ready", after=mark, within=20)
        post = await loopback.reply_to(
            await loopback.run_command(scene.alice, scene.channel, "practice", pack="demo")
        )
        post_id = int(next(iter(post.buttons())).split(":")[2])
        clicked = await loopback.click(scene.bob, post, AnswerChoice(post_id, "B").to_id())
        reply = await loopback.reply_to(clicked)
    finally:
        bot.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(bot.communicate(), 30)

    assert reply.content == SOMETHING_WENT_WRONG
    log = stderr.decode()
    assert "writes are failing: 1 since the last one stored" in log
    assert "Traceback" not in log
