"""Buttons keep working after the bot is killed: state lives in the custom_id and the store."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
from pathlib import Path

from bot.sandbox import LoopbackDiscord
from tests.e2e.bots import answer_id
from tests.loopback_fixtures import Scene

GOOD = Path(__file__).parents[1] / "exercises" / "fixtures" / "good" / "demo"


def one_question_pack(folder: Path) -> Path:
    """A pack with only the multiple-choice demo question, so /practice is deterministic."""
    pack = folder / "packs" / "demo"
    pack.mkdir(parents=True)
    shutil.copy(GOOD / "pack.toml", pack)
    shutil.copy(GOOD / "define-async-view.toml", pack)
    return pack.parent


def bot_environment(loopback: LoopbackDiscord, tmp_path: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DISCORD_")}
    return env | {
        "DISCORD_TOKEN": loopback.token,
        "DISCORD_API_BASE": loopback.api_base,
        "DISCORD_GATEWAY_URL": loopback.gateway_url,
        "DATABASE_PATH": str(tmp_path / "tutor.sqlite3"),
        "EXERCISES_PATH": str(one_question_pack(tmp_path)),
        "TUTOR_URL": "http://127.0.0.1:9",  # no tutor service: Run it is not part of this test
    }


async def start_bot(env: dict[str, str], *arguments: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *arguments, env=env, stderr=asyncio.subprocess.PIPE
    )


async def test_a_click_after_sigkill_and_restart_still_counts(
    loopback: LoopbackDiscord, scene: Scene, tmp_path: Path
) -> None:
    env = bot_environment(loopback, tmp_path)
    sync = await start_bot(env, "sync", "--guild", str(scene.guild.id))
    assert await sync.wait() == 0
    mark = loopback.session_events
    first = await start_bot(env)
    try:
        await loopback.wait_for_session("ready", after=mark, within=20)
        asked = await loopback.run_command(scene.alice, scene.channel, "practice", pack="demo")
        post = await loopback.reply_to(asked)
        before = await loopback.reply_to(
            await loopback.click(scene.alice, post, answer_id(post, "A"))
        )
    finally:
        first.send_signal(signal.SIGKILL)
        await first.wait()

    mark = loopback.session_events
    second = await start_bot(env)
    try:
        await loopback.wait_for_session("ready", after=mark, within=20)
        after = await loopback.reply_to(
            await loopback.click(scene.alice, post, answer_id(post, "C"))
        )
    finally:
        second.send_signal(signal.SIGTERM)
        _, stderr = await second.communicate()

    assert "2 attempts left." in before.content
    assert "1 attempt left." in after.content  # the count survived the kill
    assert second.returncode == 0
    assert b"Traceback" not in stderr
    assert b" ERROR " not in stderr
