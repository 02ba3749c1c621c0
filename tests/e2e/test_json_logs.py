"""LOG_FORMAT=json: every line the bot writes to stderr is one JSON object, tracebacks and
discord.py's own records included, and a click's records carry its ids."""

from __future__ import annotations

import json
import signal
from pathlib import Path

from bot.sandbox import LoopbackDiscord
from tests.e2e.bots import answer_id
from tests.e2e.test_restart import bot_environment, start_bot
from tests.loopback_fixtures import Scene


async def test_every_stderr_line_of_the_bot_is_json(
    loopback: LoopbackDiscord, scene: Scene, tmp_path: Path
) -> None:
    env = bot_environment(loopback, tmp_path) | {
        "LOG_FORMAT": "json",
        "COUNTER_EDIT_SECONDS": "0.1",
    }
    sync = await start_bot(env, "sync", "--guild", str(scene.guild.id))
    assert await sync.wait() == 0
    mark = loopback.session_events
    bot = await start_bot(env)
    try:
        await loopback.wait_for_session("ready", after=mark, within=20)
        asked = await loopback.run_command(scene.alice, scene.channel, "practice", pack="demo")
        post = await loopback.reply_to(asked)
        # The counters' edit after this answer fails: a warning with a traceback.
        loopback.fail("PATCH", "/channels/*/messages/*")
        answered = await loopback.click(scene.alice, post, answer_id(post, "A"))
        await loopback.reply_to(answered)
        forged = await loopback.click(scene.bob, post, "t1:a:999999:A", forged=True)
        await loopback.reply_to(forged)
        await loopback.wait_for_request(lambda r: r.method == "PATCH", after=0, within=10)
    finally:
        bot.send_signal(signal.SIGTERM)
        _, stderr = await bot.communicate()

    assert bot.returncode == 0
    lines = stderr.decode().splitlines()
    records = [json.loads(line) for line in lines]  # each line parses, or this fails
    assert all({"asctime", "level", "name", "message"} <= record.keys() for record in records)
    assert any(record["name"].startswith("discord.") for record in records)
    (refused,) = [r for r in records if r["message"].startswith("refused a click")]
    assert (refused["member_id"], refused["interaction_id"]) == (scene.bob.user.id, forged.id)
    (failed_edit,) = [r for r in records if "could not refresh the counters" in r["message"]]
    assert failed_edit["level"] == "WARNING"
    assert "Traceback" in failed_edit["exc_info"]
    assert "Forbidden" in failed_edit["exc_info"]
