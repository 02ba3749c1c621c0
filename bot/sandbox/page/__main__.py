"""`python -m bot.sandbox.page`: the loopback Discord and its page, in a process of their own.

Sets up a server with a few members and a moderator, then prints one JSON line with the
addresses (`page_url`, `api_base`, `gateway_url`), the token and the ids, and another,
`{"ready": ...}`, once a bot has connected. Serves until SIGINT or SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from collections.abc import Sequence

from bot.sandbox.loopback import DEFAULT_TOKEN, LoopbackDiscord
from bot.sandbox.page.web import install_page

READY_WITHIN_SECONDS = 3600.0


async def serve(arguments: argparse.Namespace) -> None:
    loopback = LoopbackDiscord(token=arguments.token)
    guild = loopback.add_guild(arguments.guild)
    channels = {name: loopback.add_channel(guild, name) for name in arguments.channels}
    people = {name: loopback.add_member(guild, name) for name in arguments.members}
    for name in arguments.moderators:
        people[name] = loopback.add_member(guild, name, moderator=True)
    install_page(loopback)
    await loopback.start(arguments.host, arguments.port)
    address = {
        "page_url": loopback.server.base_url + "/",
        "api_base": loopback.api_base,
        "gateway_url": loopback.gateway_url,
        "token": loopback.token,
        "guild_id": guild.id,
        "channels": {name: channel.id for name, channel in channels.items()},
        "members": {name: member.id for name, member in people.items()},
    }
    print(json.dumps(address), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(stop_signal, stop.set)

    async def say_when_ready() -> None:
        session = await loopback.wait_until_ready(within=READY_WITHIN_SECONDS)
        print(json.dumps({"ready": session.id}), flush=True)

    ready = asyncio.create_task(say_when_ready())
    try:
        await stop.wait()
    finally:
        ready.cancel()
        await loopback.stop()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.sandbox.page", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--guild", default="Tutor Sandbox")
    parser.add_argument("--channels", nargs="+", default=["practice", "general"])
    parser.add_argument("--members", nargs="*", default=["alice", "bob", "carol"])
    parser.add_argument("--moderators", nargs="*", default=["mod"])
    asyncio.run(serve(parser.parse_args(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
