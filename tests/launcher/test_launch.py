"""`make run`'s launcher. Without a token: the sandbox. The tutor service, the loopback
Discord with its page and the real bot start, each in its own process; one line gives the
page's address and the sandbox's own database; Ctrl-C or SIGTERM stops all three, the bot
first, with no traceback. `python -m bot`
without a token (or with the variable misspelt) is still an error: the sandbox starts only on
purpose. With a token: a tutor that cannot start, or one already running, ends it at once
with one line."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from bot.sandbox import LoopbackDiscord
from tests.e2e.bots import serving_tutor
from tests.processes import clean_environment
from tutor.config import TutorConfig

START_WITHIN_SECONDS = 60.0  # "within a minute", on a loaded 2-core machine


def files_in(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def without_token(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DISCORD_")}
    return env | extra


GOOD_PACKS = Path(__file__).parents[1] / "exercises" / "fixtures" / "good"


def ctrl_c(process: asyncio.subprocess.Process) -> None:
    """What a terminal's Ctrl-C does: SIGINT to every process of the foreground group."""
    os.killpg(process.pid, signal.SIGINT)


def sigterm(process: asyncio.subprocess.Process) -> None:
    process.send_signal(signal.SIGTERM)


@pytest.mark.parametrize(
    ("command", "packs", "stop"),
    [
        (["launcher"], None, ctrl_c),  # make run, without a token
        (["launcher.local_sandbox", "--packs", str(GOOD_PACKS)], {"demo"}, sigterm),  # make preview
    ],
    ids=["make-run-then-ctrl-c", "make-preview-then-sigterm"],
)
async def test_without_a_token_make_run_starts_the_sandbox_and_a_stop_stops_it_quietly(
    tmp_path: Path,
    command: list[str],
    packs: set[str] | None,
    stop: Callable[[asyncio.subprocess.Process], None],
) -> None:
    # A deployment's .env beside it: the sandbox keeps to its own database all the same.
    (tmp_path / ".env").write_text("DATABASE_URL=postgresql://tutor@db.invalid:5432/tutor\n")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        *command,
        cwd=tmp_path,  # a clean folder, and data/ created there
        env=without_token(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        process_group=0,  # a group of its own, as a terminal's foreground job
    )
    assert process.stdout is not None
    try:
        line = await asyncio.wait_for(process.stdout.readline(), START_WITHIN_SECONDS)
        ready = re.fullmatch(
            r"Sandbox ready: open (http://127\.0\.0\.1:\d+/) \(the bot's database: (.+); "
            r"Ctrl-C stops it\)\n",
            line.decode(),
        )
        assert ready is not None, line
        page_url, database = ready.groups()
        async with httpx.AsyncClient(base_url=page_url) as http:
            page = await http.get("/")
            people = (await http.get("/sandbox/people")).json()
            alice = next(person["id"] for person in people if person["name"] == "alice")
            state = (await http.get("/sandbox/state", params={"as": alice})).json()
    finally:
        stop(process)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)

    assert process.returncode == 0, stderr.decode()
    assert "Traceback" not in stderr.decode()  # the bot stopped before the loopback Discord
    if packs is None:
        assert "DISCORD_TOKEN is not set" in stderr.decode()
    assert page.status_code == 200
    assert "<title>Tutor sandbox</title>" in page.text
    assert {person["name"] for person in people} >= {"alice", "bob", "mod"}
    commands = {command["name"]: command for command in state["commands"]}
    members_commands = {"practice", "preview", "stats", "help", "forget-me", "leaderboard"}
    assert members_commands <= set(commands)  # synced at start
    assert not {"tutor", "quiz"} & set(commands)  # moderators' commands: hidden from alice
    (pack,) = [option for option in commands["practice"]["options"] if option["name"] == "pack"]
    offered = {choice["value"] for choice in pack["choices"]}
    assert offered == packs if packs else len(offered) > 1
    assert Path(database) == tmp_path / "data" / "sandbox.sqlite3"
    kept = files_in(tmp_path / "data")
    assert "sandbox.sqlite3" in kept
    assert "tutor.sqlite3" not in kept  # its own file, never a deployment's
    async with httpx.AsyncClient() as http:  # stopped with it: the page no longer answers
        try:
            await http.get(page_url)
            still_up = True
        except httpx.TransportError:
            still_up = False
    assert not still_up


async def test_python_m_bot_without_a_token_is_still_an_error(tmp_path: Path) -> None:
    for env in (without_token(), without_token(DISCORD_TOKNE="abc")):
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            cwd=tmp_path,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
        assert process.returncode == 2
        assert stderr.decode().startswith("error: DISCORD_TOKEN is not set")
        assert b"Sandbox" not in stdout + stderr


async def test_a_sandbox_that_cannot_start_says_why_and_stops(tmp_path: Path) -> None:
    broken = Path(__file__).parents[1] / "exercises" / "fixtures" / "broken"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "launcher.local_sandbox",
        "--packs",
        str(broken),  # a folder, as the settings check asks, of packs that do not load
        cwd=tmp_path,
        env=without_token(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), START_WITHIN_SECONDS)

    assert process.returncode == 1
    assert b"Sandbox ready" not in stdout
    assert "wrong-type.toml" in stderr.decode()  # the bot names the file
    assert "error: the bot could not register its commands" in stderr.decode()


async def launch(cwd: Path, settings: dict[str, str]) -> tuple[int, str]:
    """`make run`'s launcher in a folder of its own; its exit status and stderr."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "launcher",
        cwd=cwd,
        env=clean_environment(settings),
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, stderr.decode()


async def test_a_tutor_that_stops_at_start_ends_the_launch_before_the_bot(
    tmp_path: Path, loopback: LoopbackDiscord
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:  # listening, answering nothing
        port = taken.getsockname()[1]
        (tmp_path / ".env").write_text(
            f"DISCORD_TOKEN={loopback.token}\nDISCORD_API_BASE={loopback.api_base}\n"
            f"DISCORD_GATEWAY_URL={loopback.gateway_url}\nTUTOR_PORT={port}\n"
        )

        status, stderr = await launch(tmp_path, {})

    assert status == 1
    assert stderr.splitlines() == [
        f"error: port {port} on 127.0.0.1 is in use (TUTOR_PORT={port}): another instance "
        "may be running; stop it or set TUTOR_PORT to a free port",
        "the tutor service stopped while starting (exit status 2); the bot was not started",
    ]
    assert loopback.requests == []


async def test_a_second_launch_names_the_running_one(tmp_path: Path) -> None:
    async with serving_tutor(TutorConfig()) as running:
        port = running.rsplit(":", 1)[1]
        # with a token: without one, make run starts the sandbox on ports of its own
        status, stderr = await launch(tmp_path, {"TUTOR_PORT": port, "DISCORD_TOKEN": "any"})

    assert status == 2
    assert stderr.splitlines() == [
        f"error: a tutor service already answers at http://127.0.0.1:{port} (TUTOR_URL, or "
        "TUTOR_HOST and TUTOR_PORT): another instance may be running; stop it or set TUTOR_PORT"
    ]
