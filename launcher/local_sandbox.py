"""`python -m launcher.local_sandbox`: see the bot at work with no Discord account.

What `make run` starts without DISCORD_TOKEN, and `make sandbox` (`make preview PACK=path`
with an author's packs): the tutor service, the loopback Discord with its page
(`python -m bot.sandbox.page`), and the real bot (`python -m bot --preview`, which adds the
authors' /preview command) connected to the loopback as to Discord, each in its own process.
The bot registers its commands there first (`python -m bot --preview sync`: the loopback
starts empty each time) and keeps its own database (data/sandbox.sqlite3, never a
deployment's); then one line gives the page's address. Every setting is checked before any
of them starts (launcher/preflight.py), and a second sandbox on the same database is refused with
the first one's address. A part that stops while starting stops the sandbox at once.
Ctrl-C or SIGTERM stops all three, the bot first: the parts run in process groups of their
own, so a terminal's Ctrl-C reaches this process only, which stops the bot before the
loopback Discord (else the bot, cut off, tries to reconnect and prints a traceback). If one
part stops, the others are stopped too.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import json
import os
import signal
import socket
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

import httpx

from bot.practice.tutor_client import TutorClient, TutorServiceError
from config import SettingsError
from launcher.preflight import check_settings

SANDBOX_DATABASE = Path("data/sandbox.sqlite3")
STOP_GRACE_SECONDS = 10.0
TUTOR_WITHIN_SECONDS = 30.0


class SandboxError(Exception):
    """A part of the sandbox did not start; the message says which."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _start(
    module: str, *args: str, env: Mapping[str, str], stdout: int | None = None
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", module, *args, env=dict(env), stdout=stdout, process_group=0
    )


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is not None:
        return
    process.terminate()
    try:
        await asyncio.wait_for(process.wait(), STOP_GRACE_SECONDS)
    except TimeoutError:
        process.kill()
        await process.wait()


async def _line(process: asyncio.subprocess.Process, what: str) -> dict[str, Any]:
    """The next JSON line the page process prints; an error if it stops first."""
    assert process.stdout is not None
    line = await process.stdout.readline()
    if not line:
        raise SandboxError(f"the loopback Discord stopped before {what}")
    answer: dict[str, Any] = json.loads(line)
    return answer


async def _connected(page: asyncio.subprocess.Process, bot: asyncio.subprocess.Process) -> None:
    """Until the loopback Discord says the bot connected; an error if the bot stops first."""
    ready = asyncio.create_task(_line(page, "the bot connected"))
    stopped = asyncio.create_task(bot.wait())
    done, _ = await asyncio.wait({ready, stopped}, return_when=asyncio.FIRST_COMPLETED)
    stopped.cancel()
    if ready not in done:
        ready.cancel()
        raise SandboxError("the bot stopped before it connected (see its error above)")
    ready.result()


async def _tutor_answers(url: str, tutor: asyncio.subprocess.Process) -> None:
    """Until the tutor service answers; an error at once if its process ends first."""
    ended = asyncio.create_task(tutor.wait())
    try:
        async with httpx.AsyncClient() as http:
            client = TutorClient(http, url, timeout=1.0)
            deadline = asyncio.get_running_loop().time() + TUTOR_WITHIN_SECONDS
            while not ended.done():
                try:
                    await client.health()
                    return
                except TutorServiceError:
                    if asyncio.get_running_loop().time() > deadline:
                        raise SandboxError(f"the tutor service at {url} did not answer") from None
                    await asyncio.wait([ended], timeout=0.2)  # polling a process that starts
    finally:
        ended.cancel()
    raise SandboxError(
        f"the tutor service stopped while starting (exit status {tutor.returncode}; "
        "see its error above)"
    )


class SandboxLock:
    """The one sandbox on a database: a lock held while it runs, and its page's address,
    for a second sandbox started on the same file to name (`data/sandbox.sqlite3.lock`)."""

    def __init__(self, database: Path) -> None:
        self._file = database.with_name(f"{database.name}.lock").open("a+", encoding="utf-8")
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._file.seek(0)
            address = self._file.read().strip()
            self._file.close()
            if address:
                raise SandboxError(
                    f"a sandbox already runs on {database}: open {address}, or stop that one "
                    "(Ctrl-C) before starting another"
                ) from None
            raise SandboxError(
                f"a sandbox is starting on {database}: wait for its address, or stop it "
                "(Ctrl-C) before starting another"
            ) from None
        self.note("")

    def note(self, address: str) -> None:
        self._file.seek(0)
        self._file.truncate()
        self._file.write(address)
        self._file.flush()

    def release(self) -> None:
        self.note("")
        self._file.close()  # the lock goes with it (and with the process, however it ends)


def bot_environment(
    base: Mapping[str, str], address: Mapping[str, Any], *, database: Path, tutor_url: str
) -> dict[str, str]:
    """The bot's settings in the sandbox: the loopback Discord instead of Discord, and the
    sandbox's own database, whatever the environment or .env say for a deployment."""
    env = dict(base)
    env.update(
        DISCORD_TOKEN=str(address["token"]),
        DISCORD_API_BASE=str(address["api_base"]),
        DISCORD_GATEWAY_URL=str(address["gateway_url"]),
        DATABASE_PATH=str(database),
        DATABASE_URL="",  # empty wins over a deployment's .env, so DATABASE_PATH is the one
        TUTOR_URL=tutor_url,
    )
    env.setdefault("LOG_LEVEL", "WARNING")  # the page's address stays in sight
    return env


async def run_sandbox(
    *,
    packs: Path | None = None,
    database: Path = SANDBOX_DATABASE,
    out: TextIO = sys.stdout,
    intro: str = "",
    days_ahead: float = 0,
) -> int:
    """`intro`: said on stderr once this sandbox has its database to itself."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DISCORD_")}
    if packs is not None:
        env.update(EXERCISES_PATH=str(packs))
    await asyncio.to_thread(database.parent.mkdir, parents=True, exist_ok=True)
    try:
        lock = SandboxLock(database)
    except SandboxError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if intro:
        print(intro, file=sys.stderr)
    try:
        return await _run(env, database, lock, out, days_ahead)
    finally:
        lock.release()


async def _run(
    env: dict[str, str], database: Path, lock: SandboxLock, out: TextIO, days_ahead: float
) -> int:
    tutor_port = _free_port()
    tutor_url = f"http://127.0.0.1:{tutor_port}"
    processes = [
        tutor := await _start("tutor", "--port", str(tutor_port), env=env),
        page := await _start("bot.sandbox.page", env=env, stdout=asyncio.subprocess.PIPE),
    ]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(stop_signal, stop.set)
    try:
        address = await _line(page, "printing its address")
        bot_env = bot_environment(env, address, database=database, tutor_url=tutor_url)
        sync = await _start(
            "bot", "--preview", "sync", env=bot_env, stdout=asyncio.subprocess.DEVNULL
        )
        if await sync.wait() != 0:
            raise SandboxError("the bot could not register its commands with the loopback")
        await _tutor_answers(tutor_url, tutor)
        ahead = ["--days-ahead", str(days_ahead)] if days_ahead else []
        bot = await _start("bot", "--preview", *ahead, env=bot_env)
        processes.append(bot)
        await _connected(page, bot)
        lock.note(str(address["page_url"]))
        print(
            f"Sandbox ready: open {address['page_url']} (the bot's database: "
            f"{Path(os.getcwd()) / database}; Ctrl-C stops it)",
            file=out,
            flush=True,
        )
        waits = [asyncio.create_task(process.wait()) for process in processes]
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait([*waits, stopping], return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
    except SandboxError as error:
        if stop.is_set():  # Ctrl-C while starting: the parts stopped because of it
            return 0
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        for process in reversed(processes):  # the bot, then the loopback, then the tutor
            await _stop(process)
    failed = [process.returncode for process in processes if process.returncode not in (0, None)]
    return 0 if stop.is_set() or not failed else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m launcher.local_sandbox", description=__doc__)
    parser.add_argument("--packs", type=Path, help="a folder of packs (or one pack) to preview")
    parser.add_argument("--database", type=Path, default=SANDBOX_DATABASE)
    parser.add_argument(
        "--days-ahead",
        type=float,
        default=0,
        help="run the bot's clock this many days ahead (docs/sandbox.md: reviews due tomorrow)",
    )
    arguments = parser.parse_args(argv)
    environ = dict(os.environ)
    if arguments.packs is not None:
        environ["EXERCISES_PATH"] = str(arguments.packs)
    try:
        check_settings(environ, sandbox=True)
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return asyncio.run(
        run_sandbox(
            packs=arguments.packs, database=arguments.database, days_ahead=arguments.days_ahead
        )
    )


if __name__ == "__main__":
    sys.exit(main())
