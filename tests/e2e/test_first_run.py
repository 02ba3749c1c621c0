"""A first run, as the README tells a maintainer to do it, in a folder with nothing but `.env`:
`python -m bot sync` (what `make sync` runs), then `python -m launcher` (what `make run`
runs), with a token pointing at the loopback Discord.

One `.env` sets both processes: the tutor service's port and secret, the packs. The bot finds
the tutor from TUTOR_PORT alone, sends the secret, and Run it shows a real run; the click is
recorded in a database under `data/`, a folder nobody created.
"""

from __future__ import annotations

import asyncio
import shutil
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from pathlib import Path

from bot.interactions.custom_ids import RunIt
from bot.practice.run_it import CORRECT_RUN_LATER
from bot.sandbox import LoopbackDiscord
from exercises import load_catalog
from exercises.shown_order import BY_POST, post_order
from tests.bot.practice.test_run_report import blocks
from tests.e2e.bots import GOOD, answer_id, on_buttons
from tests.loopback_fixtures import Scene
from tests.processes import clean_environment, free_port

STARTING = 60.0  # seconds a loaded machine may take to start both processes


def env_file(folder: Path, loopback: LoopbackDiscord, packs: Path) -> None:
    (folder / ".env").write_text(
        f"DISCORD_TOKEN={loopback.token}\n"
        f"DISCORD_API_BASE={loopback.api_base}\n"
        f"DISCORD_GATEWAY_URL={loopback.gateway_url}\n"
        f"EXERCISES_PATH={packs}\n"
        f"TUTOR_PORT={free_port()}\n"
        "TUTOR_SECRET=shared between the two processes\n"
    )


def one_exercise_pack(tmp_path: Path) -> Path:
    """The demo pack with its multiple-choice exercise only, so /practice picks it."""
    packs = tmp_path / "packs"
    (packs / "demo").mkdir(parents=True)
    for name in ("pack.toml", "define-async-view.toml"):
        shutil.copy(GOOD / "demo" / name, packs / "demo" / name)
    return packs


async def run_to_end(*module: str, cwd: Path) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        *module,
        cwd=cwd,
        env=clean_environment(),
        stdout=asyncio.subprocess.PIPE,
    )
    stdout, _ = await asyncio.wait_for(process.communicate(), STARTING)
    assert process.returncode is not None
    return process.returncode, stdout.decode()


@asynccontextmanager
async def make_run(cwd: Path) -> AsyncIterator[list[str]]:
    """`python -m launcher` until the block ends, then SIGTERM; yields its stderr lines."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "launcher",
        cwd=cwd,
        env=clean_environment(),
        stderr=asyncio.subprocess.PIPE,
    )
    lines: list[str] = []

    async def drain() -> None:
        assert process.stderr is not None
        async for line in process.stderr:
            lines.append(line.decode().rstrip())

    draining = asyncio.create_task(drain())
    try:
        yield lines
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), STARTING)
        await draining
    assert process.returncode == 0, "\n".join(lines)


async def test_a_first_run_from_a_bare_folder_records_a_click_under_data(
    loopback: LoopbackDiscord, scene: Scene, tmp_path: Path
) -> None:
    clone = tmp_path / "clone"
    clone.mkdir()
    env_file(clone, loopback, one_exercise_pack(tmp_path))

    status, synced = await run_to_end("bot", "sync", "--guild", str(scene.guild.id), cwd=clone)
    assert status == 0
    assert synced.startswith("synced ")
    assert f"commands to server {scene.guild.id}: practice, " in synced

    async with make_run(clone) as log:
        await loopback.wait_until_ready(within=STARTING)
        asked = await loopback.run_command(scene.alice, scene.channel, "practice", pack="demo")
        post = await loopback.reply_to(asked, within=STARTING)
        post_id = int(next(iter(post.buttons())).split(":")[2])
        feedback = await loopback.reply_to(
            await loopback.click(scene.alice, post, answer_id(post, "C"))
        )
        run = await loopback.reply_to(
            await loopback.click(
                scene.alice, feedback, RunIt(post_id, on_buttons(post, "C")).to_id()
            ),
            within=STARTING,
        )

    title, mine, *_, note = run.content.splitlines()
    assert title == "**What really happens with your choice**"
    exercise = load_catalog(GOOD).get("demo/define-async-view")
    shown = post_order(exercise, post_id, BY_POST).shown  # the letter on the post
    assert mine.startswith(f"Your choice option {shown('C')} · ")
    assert blocks(run.content)[0].startswith("TypeError: object HttpResponse can't be")
    assert note == CORRECT_RUN_LATER
    assert not [line for line in log if "Traceback" in line or " ERROR " in line], log
    assert any("tutor service at http://127.0.0.1:" in line for line in log), log
    database = clone / "data" / "tutor.sqlite3"
    with closing(sqlite3.connect(database)) as db:
        attempts = db.execute("SELECT member_id, answer, correct FROM attempts").fetchall()
    assert attempts == [(scene.alice.id, "C", 0)]
