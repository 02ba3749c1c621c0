"""Slash commands: /practice, /stats, /leaderboard, /help. Parse options, call practice, reply.

Errors go to the tree's one handler (TutorBot.on_tree_error). The bot syncs these commands
at start only when they changed since the last sync (bot.command_sync): Discord allows 200
command creations per day per server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import discord
from discord import app_commands

from bot import render, server_settings
from bot.components import view_for
from bot.errors import Refused
from bot.member_data import WHAT_IS_KEPT
from bot.replies import reply
from exercises import Difficulty
from exercises.progress import Period, period_start

PERIOD_CHOICES = [
    app_commands.Choice(name="today", value=Period.DAY.value),
    app_commands.Choice(name="this week", value=Period.WEEK.value),
    app_commands.Choice(name="all time", value=Period.ALL_TIME.value),
]

if TYPE_CHECKING:
    from bot.pattern_test import PatternTests
    from bot.practice import Practice

COMMANDS = (
    ("/practice [pack] [difficulty]", "post an exercise here for everyone to answer"),
    ("/stats", "your own progress: attempts, accuracy, points per pack, and your streak"),
    ("/leaderboard [day|week|all]", "the server's top scorers; weeks start on Monday"),
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


def install(
    tree: app_commands.CommandTree,
    practice: Practice,
    pattern_tests: PatternTests,
    *,
    cooldown_seconds: float,
) -> None:
    """Add the commands to `tree`. Pack choices come from the loaded catalog."""
    pack_choices = [
        app_commands.Choice(name=pack.title[:100], value=pack.id)
        for pack in practice.catalog.packs.values()
    ][:25]
    difficulty_choices = [
        app_commands.Choice(name=level.value, value=level.value) for level in Difficulty
    ]

    def per_member(interaction: discord.Interaction) -> app_commands.Cooldown | None:
        return app_commands.Cooldown(1, cooldown_seconds) if cooldown_seconds > 0 else None

    @tree.command(name="practice", description="Post an exercise here for everyone to answer")
    @app_commands.describe(pack="Which topic", difficulty="easy, medium or hard")
    @app_commands.choices(pack=pack_choices, difficulty=difficulty_choices)
    @app_commands.guild_only()
    @app_commands.checks.dynamic_cooldown(per_member, key=lambda i: (i.guild_id, i.user.id))
    # Checked first (the lowest decorator), from the permissions Discord computed for the bot
    # in this channel and sent with the interaction: a refusal costs no cooldown.
    @app_commands.checks.bot_has_permissions(**NEEDED_TO_POST)
    async def practice_command(
        interaction: discord.Interaction,
        pack: app_commands.Choice[str] | None = None,
        difficulty: app_commands.Choice[str] | None = None,
    ) -> None:
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
            embed=rendered.embed or discord.utils.MISSING,
            view=view_for(rendered.buttons) or discord.utils.MISSING,
            wait=True,
        )
        await practice.store.set_post_message(post.post_id, message.id)

    @tree.command(name="stats", description="Your own progress: attempts, accuracy and points")
    @app_commands.guild_only()
    async def stats_command(interaction: discord.Interaction) -> None:
        async def own_stats() -> render.Rendered:
            guild_id, member_id = interaction.guild_id or 0, interaction.user.id
            stats = await practice.store.member_stats(guild_id=guild_id, member_id=member_id)
            titles = {pack_id: pack.title for pack_id, pack in practice.catalog.packs.items()}
            zone = await server_zone(guild_id)
            streak = await practice.store.streak(
                guild_id=guild_id, member_id=member_id, now=practice.clock.now(), tz=zone
            )
            text = render.stats(stats, titles)
            if stats.attempts:
                text += "\n" + render.streak_line(streak)
            return render.Rendered(content=text)

        await reply(interaction, own_stats())  # private, deferred if the query is slow

    async def server_zone(guild_id: int) -> ZoneInfo:
        name = (await practice.store.servers.settings(guild_id)).time_zone
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")

    @tree.command(name="leaderboard", description="The server's top scorers")
    @app_commands.describe(period="today, this week (from Monday) or all time")
    @app_commands.choices(period=PERIOD_CHOICES)
    @app_commands.guild_only()
    async def leaderboard_command(
        interaction: discord.Interaction, period: app_commands.Choice[str] | None = None
    ) -> None:
        chosen = Period(period.value) if period else Period.WEEK
        guild_id = interaction.guild_id or 0
        zone = await server_zone(guild_id)
        now = practice.clock.now()
        entries = await practice.store.leaderboard(
            guild_id=guild_id, period=chosen, now=now, tz=zone
        )
        since = period_start(chosen, now, zone)
        text = render.leaderboard(entries, chosen, since, str(zone))
        await interaction.response.send_message(
            text, allowed_mentions=discord.AllowedMentions.none()
        )

    test_group = app_commands.Group(
        name="test", description="Ten questions to know if a pattern is strong", guild_only=True
    )

    @test_group.command(name="start", description="Start a private test of ten questions")
    @app_commands.describe(pack="Which topic (default: all)")
    @app_commands.choices(pack=pack_choices)
    async def test_start(
        interaction: discord.Interaction, pack: app_commands.Choice[str] | None = None
    ) -> None:
        await reply(
            interaction,
            pattern_tests.start(
                guild_id=interaction.guild_id or 0,
                member_id=interaction.user.id,
                pack=pack.value if pack else None,
            ),
        )

    @test_group.command(name="continue", description="Show your test's current question again")
    async def test_continue(interaction: discord.Interaction) -> None:
        await reply(
            interaction,
            pattern_tests.resume(guild_id=interaction.guild_id or 0, member_id=interaction.user.id),
        )

    tree.add_command(test_group)

    @tree.command(name="help", description="How to practise with this bot")
    async def help_command(interaction: discord.Interaction) -> None:
        text = "\n\n".join((render.help_text(COMMANDS), MODERATORS, WHAT_IS_KEPT))
        await interaction.response.send_message(text, ephemeral=True)
