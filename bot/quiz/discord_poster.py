"""The scheduler's `Poster` on discord.py: send with a nonce, search recent messages, tell mods.

Thin: errors Discord will keep giving until a moderator acts (a deleted channel, a missing
permission) become PostRefused with the fix in words; discord.py retries 429s and 5xx itself.
"""

from __future__ import annotations

import io
from collections.abc import Collection

import discord

from bot.interactions import custom_ids
from bot.interactions.components import embed_for, view_for
from bot.quiz.mentions import quiz_ping
from bot.quiz.poster import PostRefused
from bot.render import Rendered
from bot.store.server_data import Servers

RECENT_MESSAGES = 50
"""How far back to look for a delivery's own posts: a quiz is at most a few messages."""

UNKNOWN_CHANNEL_CODE = 10003
MISSING_ACCESS_CODE = 50001
MISSING_PERMISSIONS_CODE = 50013


def refusal(error: discord.HTTPException, channel_id: int) -> PostRefused | None:
    """The PostRefused for an error only a moderator can fix; None for anything else."""
    if isinstance(error, discord.NotFound) and error.code == UNKNOWN_CHANNEL_CODE:
        return PostRefused(f"the channel <#{channel_id}> no longer exists.")
    if isinstance(error, discord.Forbidden):
        return PostRefused(
            f"I may not post in <#{channel_id}>: give me View Channel, Send Messages, "
            "Embed Links and Read Message History there."
        )
    return None


class DiscordPoster:
    def __init__(self, client: discord.Client, servers: Servers) -> None:
        self.client = client
        self.servers = servers

    async def send(
        self, channel_id: int, rendered: Rendered, *, nonce: str, ping_role: int | None = None
    ) -> int:
        channel = self.client.get_partial_messageable(channel_id)
        _, mentions = quiz_ping(ping_role)  # the quiz role, or nobody
        try:
            message = await channel.send(
                content=rendered.content or None,
                embed=embed_for(rendered.embed) or discord.utils.MISSING,
                view=view_for(rendered.buttons) or discord.utils.MISSING,
                nonce=nonce,
                allowed_mentions=mentions,
            )
        except discord.HTTPException as error:
            refused = refusal(error, channel_id)
            if refused is None:
                raise
            raise refused from error
        return message.id

    async def send_results(self, channel_id: int, text: str, chart: bytes, *, nonce: str) -> int:
        """With the chart attached where the bot may attach files, else the text alone."""
        channel = self.client.get_partial_messageable(channel_id)
        attach = self._may_attach(channel_id)
        if not attach:
            text += "\n(No chart: I need Attach Files in this channel to add one.)"
        try:
            message = await channel.send(
                text,
                file=discord.File(io.BytesIO(chart), filename="pick-rates.png")
                if attach
                else discord.utils.MISSING,
                nonce=nonce,
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except discord.HTTPException as error:
            refused = refusal(error, channel_id)
            if refused is None:
                raise
            raise refused from error
        return message.id

    def _may_attach(self, channel_id: int) -> bool:
        """From the cached guild (roles and channel overwrites); unknown: assume it may."""
        channel = self.client.get_channel(channel_id)
        if not isinstance(channel, discord.abc.GuildChannel) or channel.guild.me is None:
            return True
        return channel.permissions_for(channel.guild.me).attach_files

    async def find_posts(self, channel_id: int, post_ids: Collection[int]) -> dict[int, int]:
        wanted = set(post_ids)
        found: dict[int, int] = {}
        me = self.client.user.id if self.client.user else None
        channel = self.client.get_partial_messageable(channel_id)
        try:
            async for message in channel.history(limit=RECENT_MESSAGES):
                if message.author.id != me:
                    continue
                for post_id in _post_ids(message):
                    if post_id in wanted:
                        found[post_id] = message.id
        except discord.HTTPException as error:
            refused = refusal(error, channel_id)
            if refused is None:
                raise
            raise refused from error
        return found

    async def tell_moderators(self, guild_id: int, text: str) -> None:
        channel_id = (await self.servers.settings(guild_id)).log_channel_id
        if channel_id is None:
            return
        channel = self.client.get_partial_messageable(channel_id)
        try:
            await channel.send(text, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as error:
            refused = refusal(error, channel_id)
            if refused is None:
                raise
            raise refused from error


def _post_ids(message: discord.Message) -> set[int]:
    """The posts a message's buttons name (every button of a post carries its id)."""
    ids = set()
    for row in message.components:
        for child in getattr(row, "children", [row]):
            button = custom_ids.parse(getattr(child, "custom_id", None) or "")
            post_id = getattr(button, "post_id", None)  # only a post's buttons name one
            if isinstance(post_id, int):
                ids.add(post_id)
    return ids
