"""Reaching Discord's gateway at start: retried with backoff, one line each, then a clear error.

Left alone, discord.py retries a first gateway connection that fails every 5 s for ever, with
a traceback each time (AutoShardedClient.launch_shard). A moderator starting the bot wants to
know what is wrong instead: so before discord.py connects, the bot opens the gateway's
websocket itself (and closes it at once, before any IDENTIFY), retrying on the bot's clock
with growing waits, one WARNING line per failure. A network that comes back within about
two minutes costs nothing more; past that the bot stops with one line naming the address
and the setting, since a process manager or a person can do more about it than a retry can.
Disconnections once connected stay discord.py's business: it resumes with its own backoff.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

import aiohttp
import yarl

from bot.clock import Clock
from config import redact_url

log = logging.getLogger(__name__)

WAITS = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 30.0, 30.0)
"""Seconds between attempts: nine attempts over two minutes, then a clear error."""
ATTEMPT_TIMEOUT = 10.0
GATEWAY_VERSION = 10

Probe = Callable[[yarl.URL], Awaitable[None]]


class GatewayUnreachable(Exception):
    """Discord's gateway could not be reached at start, after every attempt."""

    def __init__(self, url: yarl.URL, attempts: int, seconds: float, reason: str) -> None:
        self.url, self.attempts, self.reason = url, attempts, reason
        super().__init__(
            f"could not reach Discord's gateway at {redact_url(str(url))} in {attempts} "
            f"attempts over {seconds:.0f} s (last: {reason}); check the network, "
            "or DISCORD_GATEWAY_URL if it is set"
        )


async def open_and_close(url: yarl.URL) -> None:
    """Open the gateway's websocket, as discord.py would, and close it at once."""
    target = url.with_query(v=GATEWAY_VERSION, encoding="json")
    async with asyncio.timeout(ATTEMPT_TIMEOUT), aiohttp.ClientSession() as session:
        socket = await session.ws_connect(target)
        await socket.close()


def _reason(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return f"no answer within {ATTEMPT_TIMEOUT:.0f} s"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__


async def wait_for_gateway(
    url: yarl.URL,
    clock: Clock,
    *,
    waits: Sequence[float] = WAITS,
    probe: Probe = open_and_close,
) -> None:
    """Return once the gateway at `url` accepts a websocket; raise GatewayUnreachable once
    every attempt has failed."""
    attempts = len(waits) + 1
    waited = 0.0
    for attempt in range(1, attempts + 1):
        try:
            await probe(url)
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            reason = _reason(error)
            if attempt == attempts:
                raise GatewayUnreachable(url, attempts, waited, reason) from None
            wait = waits[attempt - 1]
            log.warning(
                "could not reach Discord's gateway at %s (%s); attempt %d of %d, "
                "the next in %.0f s",
                redact_url(str(url)),
                reason,
                attempt,
                attempts,
                wait,
            )
            await clock.sleep(wait)
            waited += wait
        else:
            if attempt > 1:
                log.info("reached Discord's gateway at %s", redact_url(str(url)))
            return
