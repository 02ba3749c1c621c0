"""The clicks baseline: a bare discord.py 2.7 bot that answers every click with a constant
private reply. Nothing else: no store, no parsing, no logging set-up.

`python -m bench.bare_bot` reads DISCORD_TOKEN, DISCORD_API_BASE and DISCORD_GATEWAY_URL.
"""

from __future__ import annotations

import os

import discord

from bot.discord_target import point_discord_at


class BareBot(discord.Client):
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is discord.InteractionType.component:
            await interaction.response.send_message("Recorded.", ephemeral=True)


def main() -> None:
    point_discord_at(
        api_base=os.environ["DISCORD_API_BASE"], gateway_url=os.environ["DISCORD_GATEWAY_URL"]
    )
    intents = discord.Intents.none()
    intents.guilds = True
    client = BareBot(intents=intents, allowed_mentions=discord.AllowedMentions.none())
    client.run(os.environ["DISCORD_TOKEN"], log_handler=None)


if __name__ == "__main__":
    main()
