"""Point discord.py at a Discord other than discord.com: a REST or gateway proxy, or the sandbox.

Takes the addresses as arguments (from Settings); never reads the environment itself.
"""

from __future__ import annotations

import discord
import yarl

DISCORD_API_BASE = "https://discord.com/api/v10"


def point_discord_at(*, api_base: str | None, gateway_url: str | None) -> None:
    """Set where discord.py sends REST requests and opens the gateway (None: Discord's own).

    discord.py keeps both as class attributes, so this applies to every client in the
    process; call it once, before login.
    """
    discord.http.Route.BASE = (api_base or DISCORD_API_BASE).rstrip("/")
    if gateway_url is not None:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
