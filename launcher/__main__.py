"""`python -m launcher`, what `make run` runs: the tutor service and the bot, together.

Each runs in its own process, and each reads the same settings (`.env` in the working
folder, then the environment) through the shared registry in `config`. Ctrl-C or SIGTERM
stops both, and if one stops the other is stopped too. Without DISCORD_TOKEN the local
sandbox starts instead (launcher/local_sandbox.py), with a note on getting a token. Every setting
of both processes is checked before either starts (launcher/preflight.py); a tutor service that
stops while starting all the same (its port taken) ends the launch at once, before the bot
starts.
"""

from __future__ import annotations

import asyncio
import signal
import sys

import httpx

from bot.practice.tutor_client import TutorClient, TutorServiceError
from bot.settings import TOKEN_HELP, SettingsError
from config import read_environment, redact_url
from launcher.local_sandbox import STOP_GRACE_SECONDS, run_sandbox
from launcher.preflight import check_settings


async def _start(*module: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(sys.executable, "-m", *module)


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is not None:
        return
    process.terminate()
    try:
        await asyncio.wait_for(process.wait(), STOP_GRACE_SECONDS)
    except TimeoutError:
        process.kill()
        await process.wait()


async def _answers(url: str) -> bool:
    async with httpx.AsyncClient() as http:
        try:
            await TutorClient(http, url, timeout=1.0).health()
        except TutorServiceError:
            return False
    return True


async def _poll_health(url: str, within: float) -> None:
    """Until the tutor service answers its health check, or `within` seconds have passed."""
    deadline = asyncio.get_running_loop().time() + within
    while asyncio.get_running_loop().time() < deadline:
        if await _answers(url):
            return
        await asyncio.sleep(0.2)  # polling a process that is starting


async def _wait_for_tutor(
    url: str, tutor: asyncio.subprocess.Process, *, within: float = 20.0
) -> bool:
    """Whether the tutor service is still running once it answers (or `within` has passed):
    False at once if its process ends first."""
    ended = asyncio.create_task(tutor.wait())
    answered = asyncio.create_task(_poll_health(url, within))
    await asyncio.wait([ended, answered], return_when=asyncio.FIRST_COMPLETED)
    answered.cancel()
    if ended.done():
        return False
    ended.cancel()
    return True


async def launch() -> int:
    try:
        sandbox = not read_environment().get("DISCORD_TOKEN", "").strip()
        settings = check_settings(sandbox=sandbox)
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if sandbox:
        return await run_sandbox(
            intro=f"\n{TOKEN_HELP}\nUntil then, the sandbox shows the bot at work.\n"
        )
    if await _answers(settings.tutor_url):
        where = redact_url(settings.tutor_url)
        print(
            f"error: a tutor service already answers at {where} (TUTOR_URL, or TUTOR_HOST and "
            "TUTOR_PORT): another instance may be running; stop it or set TUTOR_PORT",
            file=sys.stderr,
        )
        return 2
    tutor = await _start("tutor")
    processes = [tutor]
    # so the bot's start-up check finds it; a tutor that failed to start ends it all
    if not await _wait_for_tutor(settings.tutor_url, tutor):
        print(
            f"the tutor service stopped while starting (exit status {tutor.returncode}); "
            "the bot was not started",
            file=sys.stderr,
        )
        return 1
    processes.append(await _start("bot"))

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(stop_signal, stop.set)
    waits = [asyncio.create_task(process.wait()) for process in processes]
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait([*waits, stopping], return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    await asyncio.gather(*(_stop(process) for process in processes))
    failed = [process.returncode for process in processes if process.returncode not in (0, None)]
    return 0 if stop.is_set() or not failed else 1


def main() -> int:
    return asyncio.run(launch())


if __name__ == "__main__":
    sys.exit(main())
