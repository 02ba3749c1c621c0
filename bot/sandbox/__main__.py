"""`python -m bot.sandbox`: the loopback Discord in a process of its own (benchmarks, sandbox).

Prints one JSON line with its addresses, the token and the ids of what it set up, then
serves until SIGINT or SIGTERM. Wall-clock time; no spec validation (that is for tests).
With `--control`, another process can act as members through bot.sandbox.control.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from collections.abc import Sequence

from bot.sandbox.control import Control
from bot.sandbox.loopback import DEFAULT_TOKEN, LoopbackDiscord


async def serve(arguments: argparse.Namespace) -> None:
    loopback = LoopbackDiscord(token=arguments.token)
    guild = loopback.add_guild(arguments.guild)
    channel = loopback.add_channel(guild, arguments.channel)
    people = {name: loopback.add_member(guild, name) for name in arguments.members}
    for name in arguments.moderators:
        people[name] = loopback.add_member(guild, name, moderator=True)
    if arguments.control:  # before start: routes cannot be added to a running app
        control = Control(loopback.world, loopback.gateway, loopback.recorder, guild, channel)
        loopback.server.app.add_routes(control.routes())
    await loopback.start(arguments.host, arguments.port)
    address = {
        "api_base": loopback.api_base,
        "gateway_url": loopback.gateway_url,
        "token": loopback.token,
        "guild_id": guild.id,
        "channel_id": channel.id,
        "members": {name: member.id for name, member in people.items()},
    }
    print(json.dumps(address), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(stop_signal, stop.set)
    try:
        await stop.wait()
    finally:
        await loopback.stop()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--guild", default="Tutor Sandbox")
    parser.add_argument("--channel", default="practice")
    parser.add_argument("--members", nargs="*", default=["alice", "bob"])
    parser.add_argument("--moderators", nargs="*", default=["mod"])
    parser.add_argument(
        "--control", action="store_true", help="serve the control API under /control (benchmarks)"
    )
    asyncio.run(serve(parser.parse_args(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
