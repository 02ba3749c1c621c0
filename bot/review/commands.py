"""/review: the member's due exercises, privately, one at a time (bot/review/flow.py)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext.commands import Cog

from bot.interactions.replies import Replies
from bot.review.flow import Reviews


class ReviewCommands(Cog):
    """A top-level command, so a Cog (TutorBot adds its commands to the tree itself)."""

    def __init__(self, reviews: Reviews, replies: Replies) -> None:
        self.reviews = reviews
        self.replies = replies

    @app_commands.command(
        name="review", description="The exercises due for you to review, privately, one at a time"
    )
    @app_commands.guild_only()
    async def review_command(self, interaction: discord.Interaction) -> None:
        await self.replies.reply(
            interaction,
            self.reviews.serve(
                guild_id=interaction.guild_id or 0,
                member_id=interaction.user.id,
                channel_id=interaction.channel_id or 0,
            ),
        )
