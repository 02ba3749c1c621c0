"""A user's mistakes at `make run` (and `make sandbox`): each is one line on stderr, at once,
before anything starts, and never a traceback."""

from __future__ import annotations

import asyncio
import re
import signal
import sys
from pathlib import Path

import pytest

from launcher.local_sandbox import SandboxError, _tutor_answers
from tests.launcher.test_launch import START_WITHIN_SECONDS, without_token
from tests.processes import free_port

ONE_LINE_WITHIN = 20.0  # a process start and its imports on a loaded machine; no service waited on


async def run(cwd: Path, *module: str, env: dict[str, str]) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        *module,
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), ONE_LINE_WITHIN)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert stdout == b""
    return process.returncode, stderr.decode()


SANDBOX, WITH_A_TOKEN, MAKE_SANDBOX = "make-run-sandbox", "make-run-with-a-token", "make-sandbox"
BAD_SETTINGS = [
    (setting, line, command)
    for setting, line in [
        ("TUTOR_PORT=99999", "error: TUTOR_PORT='99999' is outside 0..65535"),
        ("TUTOR_MAX_RUNS=-1", "error: TUTOR_MAX_RUNS='-1' is outside 1..2000"),
        ("TUTOR_RUN_TIMEOUT=abc", "error: TUTOR_RUN_TIMEOUT='abc' is not a number"),
    ]
    for command in (SANDBOX, WITH_A_TOKEN)
] + [
    ("TUTOR_HOST=0.0.0.0", "error: TUTOR_HOST='0.0.0.0' is reachable from other", MAKE_SANDBOX),
    (
        "TUTOR_URL=http://127.0.0.1:99999",
        "error: TUTOR_URL='http://127.0.0.1:99999' must",
        WITH_A_TOKEN,
    ),
]


@pytest.mark.parametrize(("setting", "line", "command"), BAD_SETTINGS)
async def test_a_bad_setting_is_one_line_before_anything_starts(
    tmp_path: Path, setting: str, line: str, command: str
) -> None:
    token = "DISCORD_TOKEN=any-token\n" if command == WITH_A_TOKEN else ""
    (tmp_path / ".env").write_text(f"{token}{setting}\n")
    module = "launcher.local_sandbox" if command == MAKE_SANDBOX else "launcher"

    status, stderr = await run(tmp_path, module, env=without_token())

    assert status == 2
    assert len(stderr.splitlines()) == 1, stderr
    assert stderr.startswith(line)
    assert not (tmp_path / "data").exists()  # nothing started, nothing created


@pytest.mark.parametrize("module", ["launcher", "bot", "tutor", "exercises"])
async def test_a_misspelt_setting_in_env_file_names_the_one_meant(
    tmp_path: Path, module: str
) -> None:
    (tmp_path / ".env").write_text("DISCORD_TOKNE=abc\n")
    arguments = ("check",) if module == "exercises" else ()

    status, stderr = await run(tmp_path, module, *arguments, env=without_token())

    assert status == 2
    assert stderr.splitlines() == [
        "error: .env sets DISCORD_TOKNE, which is no setting: did you mean DISCORD_TOKEN?"
    ]


async def test_a_second_sandbox_on_the_same_database_names_the_first(tmp_path: Path) -> None:
    first = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "launcher",
        cwd=tmp_path,
        env=without_token(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert first.stdout is not None
    try:
        ready = await asyncio.wait_for(first.stdout.readline(), START_WITHIN_SECONDS)
        address = re.search(r"open (http://127\.0\.0\.1:\d+/)", ready.decode())
        assert address is not None, ready

        status, stderr = await run(tmp_path, "launcher", env=without_token())
    finally:
        first.send_signal(signal.SIGTERM)
        await asyncio.wait_for(first.communicate(), 30)

    assert status == 2
    assert stderr.splitlines() == [
        f"error: a sandbox already runs on data/sandbox.sqlite3: open {address[1]}, or stop "
        "that one (Ctrl-C) before starting another"
    ]
    assert first.returncode == 0  # the first one was left alone


async def test_a_tutor_service_that_stops_while_the_sandbox_waits_ends_the_wait_at_once() -> None:
    tutor = await asyncio.create_subprocess_exec(sys.executable, "-c", "raise SystemExit(3)")

    with pytest.raises(SandboxError) as raised:
        await asyncio.wait_for(_tutor_answers(f"http://127.0.0.1:{free_port()}", tutor), 10)

    assert str(raised.value) == (
        "the tutor service stopped while starting (exit status 3; see its error above)"
    )
