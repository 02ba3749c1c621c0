"""Slash commands: /practice, /stats, /leaderboard, /test, /help. Parse, call practice, reply.

Errors go to the tree's one handler (TutorBot.on_tree_error). The bot syncs these commands
at start only when they changed since the last sync (bot.command_sync): Discord allows 200
command creations per day per server.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import discord
from discord import app_commands
from discord.ext.commands import Cog

from bot import progress_text, render
from bot.errors import Refused
from bot.interactions.bound import bound, offer
from bot.interactions.components import embed_for, view_for
from bot.interactions.replies import Replies
from bot.members.data import WHAT_IS_KEPT
from bot.moderation import server_settings
from exercises import Catalog, Difficulty
from exercises.progress import Period, period_start

PERIOD_CHOICES = [
    app_commands.Choice(name="today", value=Period.DAY.value),
    app_commands.Choice(name="this week", value=Period.WEEK.value),
    app_commands.Choice(name="all time", value=Period.ALL_TIME.value),
]

if TYPE_CHECKING:
    from bot.practice.flow import Practice
    from bot.practice.pattern_test import PatternTests
    from bot.review.flow import Reviews

COMMANDS = (
    ("/practice [pack] [difficulty]", "post an exercise here for everyone to answer"),
    ("/stats", "your own progress: attempts, accuracy, points per pack, and your streak"),
    (
        "/leaderboard [day|week|all]",
        "the server's top scorers (weeks start on Monday); shown to the channel at most once "
        "a minute, to you alone in between",
    ),
    ("/review", "the exercises you missed, back after growing intervals, privately"),
    ("/test start [pack]", "ten private questions: is this pattern strong? `/test continue`"),
    ("/forget-me", "delete what the bot keeps about you on this server"),
    ("/help", "this message, and what the bot keeps about you"),
)


MODERATORS = (
    "**Moderators** (Manage Server, or the role set in `/tutor config`): `/tutor config`, "
    "`/tutor reset`, `/tutor close`, `/tutor disable`, `/tutor enable`, `/tutor reports`, "
    "`/tutor audit`, and daily quizzes: `/quiz schedule|edit|list|pause|resume|remove|now`."
)


def cooldown_refusal(error: app_commands.CommandOnCooldown) -> Refused:
    return Refused(f"Slow down a little: try again in {error.retry_after:.0f} s.")


PUBLIC_BOARD_EVERY_SECONDS = 60.0
"""/leaderboard is shown to the channel at most once a minute there; to the member alone in
between, so that calling it again and again cannot flood a channel."""
SHOWN_TO_YOU_ALONE = (
    "*Shown to you alone: this channel saw the leaderboard less than a minute ago.*"
)


class PublicBoards:
    """Per channel, whether the leaderboard may be shown to everyone now (discord.py's own
    token bucket, read on the bot's clock)."""

    def __init__(self, every_seconds: float = PUBLIC_BOARD_EVERY_SECONDS) -> None:
        self.every_seconds = every_seconds
        self._channels: dict[int, app_commands.Cooldown] = {}

    def may_show(self, channel_id: int, now: datetime) -> bool:
        bucket = self._channels.setdefault(channel_id, app_commands.Cooldown(1, self.every_seconds))
        return bucket.update_rate_limit(now.timestamp()) is None


NEEDED_TO_POST = {"view_channel": True, "send_messages": True, "embed_links": True}
"""What the bot needs in a channel to post an exercise there (the invite asks for these)."""


def check_refusal(error: app_commands.CheckFailure) -> Refused:
    if isinstance(error, app_commands.NoPrivateMessage):
        return Refused("Use this command in a server channel.")
    if isinstance(error, app_commands.BotMissingPermissions):
        missing = ", ".join(_permission_name(name) for name in error.missing_permissions)
        return Refused(
            f"I cannot post exercises in this channel: I am missing {missing}. "
            "Ask a moderator to allow that here, or use `/practice` in another channel."
        )
    return Refused("You cannot use this command here.")


def _permission_name(flag: str) -> str:
    """As Discord's settings name it: view_channel -> View Channel."""
    return flag.replace("_", " ").title()


class PracticeCommands(Cog):
    """/practice, /stats, /leaderboard and /help: each a method that asks the Discord-free
    layer (bot.practice.flow, the store's reads, bot.render) and sends its answer. Top-level
    commands, so a Cog rather than a Group; TutorBot is a discord.Client, not a commands.Bot,
    so it adds `commands()` to its tree itself (a Cog's own add_cog is commands.Bot's)."""

    def __init__(
        self,
        practice: Practice,
        replies: Replies,
        *,
        cooldown_seconds: float,
        reviews: Reviews | None = None,
    ) -> None:
        self.reviews = reviews
        self.replies = replies
        self.practice = practice
        self.cooldown_seconds = cooldown_seconds
        self.boards = PublicBoards()

    def commands(self) -> list[app_commands.Command[Any, ..., Any] | app_commands.Group]:
        """The commands to add to the tree: /practice offers the loaded packs and is checked,
        first, from the permissions Discord computed for the bot in this channel and sent with
        the interaction (a refusal costs no cooldown), then for the member's cooldown."""
        commands = self.get_app_commands()
        practice = bound(
            PracticeCommands.practice_command,
            self,
            pack=pack_choices(self.practice.catalog),
            difficulty=DIFFICULTY_CHOICES,
        )
        app_commands.checks.bot_has_permissions(**NEEDED_TO_POST)(practice)
        app_commands.checks.dynamic_cooldown(self._per_member, key=_member_in_server)(practice)
        return [practice if command.name == "practice" else command for command in commands]

    def _per_member(self, interaction: discord.Interaction) -> app_commands.Cooldown | None:
        seconds = self.cooldown_seconds
        return app_commands.Cooldown(1, seconds) if seconds > 0 else None

    @app_commands.command(
        name="practice", description="Post an exercise here for everyone to answer"
    )
    @app_commands.describe(pack="Which topic", difficulty="easy, medium or hard")
    @app_commands.guild_only()
    async def practice_command(
        self,
        interaction: discord.Interaction,
        pack: app_commands.Choice[str] | None = None,
        difficulty: app_commands.Choice[str] | None = None,
    ) -> None:
        practice = self.practice
        guild_id = interaction.guild_id or 0
        settings = await practice.store.servers.settings(guild_id)
        refusal = server_settings.practice_refusal(settings, interaction.channel_id or 0)
        if refusal is not None:
            raise refusal
        exercise = practice.choose_exercise(  # pure: a refusal is still private
            pack.value if pack else None,
            Difficulty(difficulty.value) if difficulty else None,
            disabled=await practice.store.servers.disabled_exercises(guild_id),
        )
        await interaction.response.defer(thinking=True)  # the store write may queue
        post, rendered = await practice.create_post(
            exercise, guild_id=interaction.guild_id or 0, channel_id=interaction.channel_id or 0
        )
        message = await interaction.followup.send(
            embed=embed_for(rendered.embed) or discord.utils.MISSING,
            view=view_for(rendered.buttons) or discord.utils.MISSING,
            wait=True,
        )
        await practice.store.set_post_message(post.post_id, message.id)

    @app_commands.command(
        name="stats", description="Your own progress: attempts, accuracy and points"
    )
    @app_commands.guild_only()
    async def stats_command(self, interaction: discord.Interaction) -> None:
        guild_id, member_id = interaction.guild_id or 0, interaction.user.id
        await self.replies.reply(
            interaction, self._own_stats(guild_id, member_id)
        )  # private, deferred if slow

    async def _own_stats(self, guild_id: int, member_id: int) -> render.Rendered:
        practice = self.practice
        stats = await practice.store.member_stats(guild_id=guild_id, member_id=member_id)
        titles = {pack_id: pack.title for pack_id, pack in practice.catalog.packs.items()}
        zone = await self._server_zone(guild_id)
        streak = await practice.store.streak(
            guild_id=guild_id, member_id=member_id, now=practice.clock.now(), tz=zone
        )
        text = progress_text.stats(stats, titles)
        due = 0
        if self.reviews is not None:
            due = await self.reviews.due_today(guild_id=guild_id, member_id=member_id, zone=zone)
        if stats.attempts or due:  # /test answers make cards too
            text += "\n" + progress_text.reviews_due_line(due)
        if stats.attempts:
            text += "\n" + progress_text.streak_line(streak)
        return render.Rendered(content=text)

    async def _server_zone(self, guild_id: int) -> ZoneInfo:
        name = (await self.practice.store.servers.settings(guild_id)).time_zone
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")

    @app_commands.command(name="leaderboard", description="The server's top scorers")
    @app_commands.describe(period="today, this week (from Monday) or all time")
    @app_commands.choices(period=PERIOD_CHOICES)
    @app_commands.guild_only()
    async def leaderboard_command(
        self, interaction: discord.Interaction, period: app_commands.Choice[str] | None = None
    ) -> None:
        chosen = Period(period.value) if period else Period.WEEK
        guild_id = interaction.guild_id or 0
        zone = await self._server_zone(guild_id)
        now = self.practice.clock.now()
        entries = await self.practice.store.leaderboard(
            guild_id=guild_id, period=chosen, now=now, tz=zone
        )
        since = period_start(chosen, now, zone)
        text = progress_text.leaderboard(entries, chosen, since, str(zone))
        public = self.boards.may_show(interaction.channel_id or 0, now)
        await interaction.response.send_message(
            text if public else f"{text}\n{SHOWN_TO_YOU_ALONE}",
            ephemeral=not public,
            allowed_mentions=discord.AllowedMentions.none(),
        )

    @app_commands.command(name="help", description="How to practise with this bot")
    async def help_command(self, interaction: discord.Interaction) -> None:
        text = "\n\n".join((render.help_text(COMMANDS), MODERATORS, WHAT_IS_KEPT))
        await interaction.response.send_message(text, ephemeral=True)


class PatternTestCommands(
    app_commands.Group,
    name="test",
    description="Ten questions to know if a pattern is strong",
    guild_only=True,
):
    """/test start|continue: bot.practice.pattern_test does the work."""

    def __init__(self, pattern_tests: PatternTests, catalog: Catalog, replies: Replies) -> None:
        super().__init__()
        self.replies = replies
        self.pattern_tests = pattern_tests
        offer(self, "start", pack=pack_choices(catalog))

    @app_commands.command(name="start", description="Start a private test of ten questions")
    @app_commands.describe(pack="Which topic (default: all)")
    async def start(
        self, interaction: discord.Interaction, pack: app_commands.Choice[str] | None = None
    ) -> None:
        await self.replies.reply(
            interaction,
            self.pattern_tests.start(
                guild_id=interaction.guild_id or 0,
                member_id=interaction.user.id,
                pack=pack.value if pack else None,
            ),
        )

    @app_commands.command(name="continue", description="Show your test's current question again")
    async def resume(self, interaction: discord.Interaction) -> None:
        member = (interaction.guild_id or 0, interaction.user.id)
        await self.replies.reply(
            interaction, self.pattern_tests.resume(guild_id=member[0], member_id=member[1])
        )


def pack_choices(catalog: Catalog) -> list[app_commands.Choice[str]]:
    """The loaded packs, as a `pack` option offers them (Discord takes 25 at most)."""
    return [
        app_commands.Choice(name=pack.title[:100], value=pack.id) for pack in catalog.packs.values()
    ][:25]


DIFFICULTY_CHOICES = [
    app_commands.Choice(name=level.value, value=level.value) for level in Difficulty
]


def _member_in_server(interaction: discord.Interaction) -> tuple[int | None, int]:
    return (interaction.guild_id, interaction.user.id)
