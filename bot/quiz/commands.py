"""/quiz schedule|edit|list|pause|resume|remove|now: parse options, ask QuizManager, reply.

Moderators only: Discord hides the group from members without Manage Server
(`default_permissions`), and because a server can override that, QuizManager checks again
(bot.moderation.is_moderator: Manage Server, or the role set in `/tutor config`).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Awaitable, Callable
from functools import cache

import discord
from discord import app_commands

from bot.interactions.bound import offer
from bot.interactions.replies import Replies
from bot.moderation.commands import actor_of
from bot.practice.commands import DIFFICULTY_CHOICES, pack_choices
from bot.quiz.manage import QuizManager
from exercises import Difficulty

NEEDED_FOR_QUIZZES = (
    ("view_channel", "View Channel"),
    ("send_messages", "Send Messages"),
    ("embed_links", "Embed Links"),
    ("read_message_history", "Read Message History"),  # to never post a quiz twice
)


@cache
def _zone_names() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def matching_zones(typed: str, limit: int = 25) -> list[str]:
    """IANA names for the timezone option's autocomplete: those containing what was typed."""
    needle = typed.strip().lower().replace(" ", "_")
    starts = [name for name in _zone_names() if name.lower().startswith(needle)]
    within = [name for name in _zone_names() if needle in name.lower() and name not in starts]
    return (starts + within)[:limit]


def missing_permissions(interaction: discord.Interaction, channel_id: int) -> list[str]:
    """What the bot lacks to post quizzes in the channel, in Discord's words."""
    guild = interaction.guild
    channel = guild.get_channel(channel_id) if guild else None
    if guild is None or channel is None or guild.me is None:
        return []
    granted = channel.permissions_for(guild.me)
    return [label for flag, label in NEEDED_FOR_QUIZZES if not getattr(granted, flag)]


async def zones(interaction: discord.Interaction, typed: str) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=name, value=name) for name in matching_zones(typed)]


def _difficulty(choice: app_commands.Choice[str] | None) -> Difficulty | None:
    return Difficulty(choice.value) if choice else None


NUMBER = "The quiz's number in /quiz list"
MOST_MISSED = "How many of the questions are the ones this server missed most (default 0)"


class QuizCommands(
    app_commands.Group,
    name="quiz",
    description="Daily quizzes (moderators)",
    guild_only=True,
    default_permissions=discord.Permissions(manage_guild=True),
):
    """Each command parses its options and asks QuizManager, whose answer is the reply."""

    def __init__(self, manager: QuizManager, replies: Replies) -> None:
        super().__init__()
        self.replies = replies
        self.manager = manager
        packs = pack_choices(manager.catalog)
        offer(self, "schedule", pack=packs, difficulty=DIFFICULTY_CHOICES)
        offer(self, "edit", pack=packs, difficulty=DIFFICULTY_CHOICES)

    @app_commands.command(name="schedule", description="Post a quiz in a channel every day")
    @app_commands.describe(
        channel="Where to post",
        time="Local time on a 24-hour clock, e.g. 09:30",
        timezone="IANA time zone, e.g. Europe/Berlin (default: the server's)",
        pack="Which topic (default: any)",
        difficulty="easy, medium or hard (default: any)",
        count="Questions per day",
        most_missed=MOST_MISSED,
    )
    @app_commands.autocomplete(timezone=zones)
    async def schedule(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        time: str,
        timezone: str | None = None,
        pack: app_commands.Choice[str] | None = None,
        difficulty: app_commands.Choice[str] | None = None,
        count: app_commands.Range[int, 1, 10] = 1,
        most_missed: app_commands.Range[int, 0, 10] = 0,
    ) -> None:
        work = self.manager.schedule(
            guild_id=interaction.guild_id or 0,
            channel_id=channel.id,
            member_id=interaction.user.id,
            actor=actor_of(interaction),
            at=time,
            zone=timezone,
            pack=pack.value if pack else None,
            difficulty=_difficulty(difficulty),
            count=count,
            missing_permissions=missing_permissions(interaction, channel.id),
            most_missed=most_missed,
        )
        await self.replies.reply_text(interaction, work)

    @app_commands.command(name="edit", description="Change a daily quiz")
    @app_commands.describe(number=NUMBER, most_missed=MOST_MISSED)
    @app_commands.autocomplete(timezone=zones)
    async def edit(
        self,
        interaction: discord.Interaction,
        number: int,
        channel: discord.TextChannel | None = None,
        time: str | None = None,
        timezone: str | None = None,
        pack: app_commands.Choice[str] | None = None,
        difficulty: app_commands.Choice[str] | None = None,
        count: app_commands.Range[int, 1, 10] | None = None,
        most_missed: app_commands.Range[int, 0, 10] | None = None,
    ) -> None:
        work = self.manager.edit(
            guild_id=interaction.guild_id or 0,
            schedule_id=number,
            actor=actor_of(interaction),
            channel_id=channel.id if channel else None,
            at=time,
            zone=timezone,
            pack=pack.value if pack else None,
            difficulty=_difficulty(difficulty),
            count=count,
            missing_permissions=missing_permissions(interaction, channel.id) if channel else (),
            most_missed=most_missed,
        )
        await self.replies.reply_text(interaction, work)

    @app_commands.command(
        name="list", description="Daily quizzes here: next time, state, last error"
    )
    async def list_(self, interaction: discord.Interaction) -> None:
        work = self.manager.list(guild_id=interaction.guild_id or 0, actor=actor_of(interaction))
        await self.replies.reply_text(interaction, work)

    @app_commands.command(name="pause", description="Stop posting a daily quiz for now")
    @app_commands.describe(number=NUMBER)
    async def pause(self, interaction: discord.Interaction, number: int) -> None:
        await self._by_number(interaction, number, self.manager.pause)

    @app_commands.command(name="resume", description="Start posting a paused daily quiz again")
    @app_commands.describe(number=NUMBER)
    async def resume(self, interaction: discord.Interaction, number: int) -> None:
        await self._by_number(interaction, number, self.manager.resume)

    @app_commands.command(name="remove", description="Delete a daily quiz (its results are kept)")
    @app_commands.describe(number=NUMBER)
    async def remove(self, interaction: discord.Interaction, number: int) -> None:
        await self._by_number(interaction, number, self.manager.remove)

    @app_commands.command(
        name="now", description="Post today's quiz at once instead of at its time"
    )
    @app_commands.describe(number=NUMBER)
    async def now(self, interaction: discord.Interaction, number: int) -> None:
        await self._by_number(interaction, number, self.manager.now)

    async def _by_number(
        self,
        interaction: discord.Interaction,
        number: int,
        action: Callable[..., Awaitable[str]],
    ) -> None:
        work = action(
            guild_id=interaction.guild_id or 0, schedule_id=number, actor=actor_of(interaction)
        )
        await self.replies.reply_text(interaction, work)
