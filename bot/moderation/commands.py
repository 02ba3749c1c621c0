"""`/tutor ...`: the moderators' commands. Parse, say who acts, call bot.moderation.actions, reply.

`default_permissions` (Manage Server) hides them from other members, and bot.moderation.actions
checks every call again: server admins can change who sees a command. Answers are private.
"""

from __future__ import annotations

from typing import Protocol

import discord
from discord import app_commands

from bot.interactions.replies import Replies
from bot.moderation import server_settings
from bot.moderation.actions import Actor, ButtonsOf, Moderation
from bot.moderation.server_settings import SettingsChange
from bot.render import Rendered


class PostRefresher(Protocol):
    async def refresh_post(self, post_id: int) -> None: ...


def actor_of(interaction: discord.Interaction) -> Actor:
    """Who acts, from what Discord sent with the interaction (the member and its permissions)."""
    user = interaction.user
    roles = frozenset(role.id for role in user.roles) if isinstance(user, discord.Member) else ()
    return Actor(
        guild_id=interaction.guild_id or 0,
        member_id=user.id,
        role_ids=frozenset(roles),
        manages_server=interaction.permissions.manage_guild,
    )


def _cannot_post_in(interaction: discord.Interaction, channel: discord.TextChannel | None) -> str:
    """A warning when the bot may not write in the log channel it was given."""
    guild = interaction.guild
    if channel is None or guild is None:
        return ""
    granted = channel.permissions_for(guild.me)
    if granted.view_channel and granted.send_messages:
        return ""
    return f"\n\n⚠️ The bot cannot send messages in <#{channel.id}>: allow it there."


def buttons_reader(client: discord.Client) -> ButtonsOf:
    """Reads a message's buttons from Discord: the custom ids of the bot's own message."""

    async def buttons_of(channel_id: int, message_id: int) -> list[str]:
        channel = client.get_partial_messageable(channel_id)
        try:
            message = await channel.fetch_message(message_id)
        except discord.HTTPException:  # not there, or not readable by the bot
            return []
        if client.user is None or message.author.id != client.user.id:
            return []
        return [
            child.custom_id
            for row in message.components
            if isinstance(row, discord.ActionRow)
            for child in row.children
            if isinstance(child, discord.Button) and child.custom_id
        ]

    return buttons_of


def _choices(names: list[str]) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=name[:100], value=name[:100]) for name in names]


class TutorCommands(
    app_commands.Group,
    name="tutor",
    description="Moderators' tools: settings, resets, closing posts, reports, audit",
    guild_only=True,
    default_permissions=discord.Permissions(manage_guild=True),
):
    """`/tutor ...`: each command says who acts and asks bot.moderation.actions."""

    def __init__(self, moderation: Moderation, posts: PostRefresher, replies: Replies) -> None:
        super().__init__()
        self.replies = replies
        self.moderation = moderation
        self.posts = posts

    @app_commands.command(
        name="config", description="Show this server's tutor settings, or change them"
    )
    @app_commands.describe(
        time_zone="IANA time zone for days and weeks, e.g. Europe/Paris",
        moderator_role="Members with this role are moderators too",
        add_practice_channel="Allow /practice here (once any is set, only in those)",
        remove_practice_channel="Stop allowing /practice here",
        log_channel="Where the bot tells moderators what they must know",
        quiz_role="The role pinged when a daily quiz is posted",
        forget_after_days="Days after the bot is removed before this server's data is deleted",
    )
    async def config(
        self,
        interaction: discord.Interaction,
        time_zone: str | None = None,
        moderator_role: discord.Role | None = None,
        add_practice_channel: discord.TextChannel | None = None,
        remove_practice_channel: discord.TextChannel | None = None,
        log_channel: discord.TextChannel | None = None,
        quiz_role: discord.Role | None = None,
        forget_after_days: app_commands.Range[int, 1, 365] | None = None,
    ) -> None:
        change = SettingsChange(
            time_zone=time_zone,
            moderator_role_id=_id(moderator_role),
            add_practice_channel_id=_id(add_practice_channel),
            remove_practice_channel_id=_id(remove_practice_channel),
            log_channel_id=_id(log_channel),
            quiz_role_id=_id(quiz_role),
            forget_after_days=forget_after_days,
        )
        await self.replies.reply(interaction, self._configure(interaction, change, log_channel))

    async def _configure(
        self,
        interaction: discord.Interaction,
        change: SettingsChange,
        log_channel: discord.TextChannel | None,
    ) -> Rendered:
        said = await self.moderation.configure(actor_of(interaction), change)
        return Rendered(content=said + _cannot_post_in(interaction, log_channel))

    @config.autocomplete("time_zone")
    async def time_zones(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return _choices(server_settings.time_zone_suggestions(current))

    @app_commands.command(name="reset", description="Give a member their attempts on a post back")
    @app_commands.describe(member="Whose attempts", post="The exercise's message link or id")
    async def reset(
        self, interaction: discord.Interaction, member: discord.Member, post: str
    ) -> None:
        work = self.moderation.reset(
            actor_of(interaction),
            post,
            member.id,
            channel_id=interaction.channel_id or 0,
            buttons_of=buttons_reader(interaction.client),
        )
        await self.replies.reply_text(interaction, work)

    @app_commands.command(name="close", description="Close a post: it takes no more answers")
    @app_commands.describe(post="The exercise's message link or id")
    async def close(self, interaction: discord.Interaction, post: str) -> None:
        await self.replies.reply(interaction, self._close(interaction, post))

    async def _close(self, interaction: discord.Interaction, post: str) -> Rendered:
        closed, said = await self.moderation.close(
            actor_of(interaction),
            post,
            channel_id=interaction.channel_id or 0,
            buttons_of=buttons_reader(interaction.client),
        )
        try:
            await self.posts.refresh_post(closed.post_id)
        except discord.NotFound:
            said += " (Its message has been deleted, so there is nothing to show it on.)"
        return Rendered(content=said)

    @app_commands.command(name="disable", description="Never post this exercise on this server")
    @app_commands.describe(exercise="pack/exercise, as /tutor reports lists it")
    async def disable(self, interaction: discord.Interaction, exercise: str) -> None:
        work = self.moderation.set_disabled(actor_of(interaction), exercise, disabled=True)
        await self.replies.reply_text(interaction, work)

    @app_commands.command(
        name="enable", description="Post a disabled exercise on this server again"
    )
    @app_commands.describe(exercise="pack/exercise")
    async def enable(self, interaction: discord.Interaction, exercise: str) -> None:
        work = self.moderation.set_disabled(actor_of(interaction), exercise, disabled=False)
        await self.replies.reply_text(interaction, work)

    @disable.autocomplete("exercise")
    @enable.autocomplete("exercise")
    async def exercises(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return _choices(self.moderation.exercise_suggestions(current))

    @app_commands.command(name="reports", description="Exercises members reported, with reasons")
    async def reports(self, interaction: discord.Interaction) -> None:
        await self.replies.reply_text(interaction, self.moderation.reports(actor_of(interaction)))

    @app_commands.command(
        name="items", description="How each exercise fares on this server, and which to look at"
    )
    @app_commands.describe(pack="One pack (default: every pack)")
    async def items(self, interaction: discord.Interaction, pack: str | None = None) -> None:
        await self.replies.reply(interaction, self.moderation.items(actor_of(interaction), pack))

    @items.autocomplete("pack")
    async def packs(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return _choices(self.moderation.pack_suggestions(current))

    @app_commands.command(name="audit", description="The recent moderator actions on this server")
    async def audit(self, interaction: discord.Interaction) -> None:
        await self.replies.reply_text(interaction, self.moderation.audit(actor_of(interaction)))


def _id(chosen: discord.Role | discord.TextChannel | None) -> int | None:
    return chosen.id if chosen else None
