"""`python -m bot.sandbox` serves in its own process, for benchmarks and the sandbox."""

from __future__ import annotations

import asyncio
import json
import signal
import sys

import aiohttp


async def test_the_stand_in_runs_as_its_own_process_and_prints_its_address() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.sandbox", "--members", "alice", stdout=asyncio.subprocess.PIPE
    )
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 10)
        address = json.loads(line)
        headers = {"Authorization": f"Bot {address['token']}"}
        async with (
            aiohttp.ClientSession(headers=headers) as session,
            session.get(f"{address['api_base']}/users/@me") as answer,
        ):
            me = await answer.json()
        assert answer.status == 200
        assert me["bot"] is True
        assert address["gateway_url"].startswith("ws://127.0.0.1:")
        assert set(address["members"]) == {"alice", "mod"}
    finally:
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 10) == 0
