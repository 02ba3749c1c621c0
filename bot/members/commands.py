"""What members use beyond practice: "Report a problem" (a modal) and /forget-me.

Thin: parse, call bot.members.reports or bot.members.data, reply privately. The log channel's line
is sent with no mentions at all, like everything the bot sends.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext.commands import Cog

from bot.interactions.custom_ids import ForgetMe, ReportForm
from bot.interactions.replies import Replies
from bot.members.data import MemberData, forget_prompt
from bot.members.reports import MAX_REASON, Reports
from bot.render import Rendered

REASON = "reason"

log = logging.getLogger(__name__)


class ReportModal(discord.ui.Modal, title="Report a problem"):
    """The form only: its submission is routed by its custom_id (TutorBot.on_interaction ->
    `receive_report`), so that it still arrives after a restart."""

    reason: discord.ui.TextInput[ReportModal] = discord.ui.TextInput(
        label="What is wrong with this exercise?",
        style=discord.TextStyle.paragraph,
        max_length=MAX_REASON,
        custom_id=REASON,
    )

    def __init__(self, post_id: int) -> None:
        super().__init__(custom_id=ReportForm(post_id).to_id(), timeout=15 * 60)


def _submitted(components: list[Any], custom_id: str) -> str:
    """A text input's value from a modal submission: in an action row or in a label."""
    for component in components:
        inner = [component.get("component"), *(component.get("components") or [])]
        for field in inner:
            if isinstance(field, dict) and field.get("custom_id") == custom_id:
                return str(field.get("value") or "")
    return ""


class MemberCommands(Cog):
    """/forget-me, and the "Report a problem" form with the forget-me button, which
    TutorBot.on_interaction routes here by their custom_ids."""

    def __init__(self, reports: Reports, member_data: MemberData, replies: Replies) -> None:
        self.reports = reports
        self.member_data = member_data
        self.replies = replies

    @app_commands.command(name="forget-me", description="Delete what the bot keeps about you here")
    @app_commands.guild_only()
    async def forget_me(self, interaction: discord.Interaction) -> None:
        """Asks first: the answer is the member's own button (bot.members.data)."""
        await self.replies.reply(interaction, _prompt(interaction.user.id))

    async def confirm_forget(self, interaction: discord.Interaction, button: ForgetMe) -> None:
        work = self.member_data.forget(
            guild_id=interaction.guild_id or 0,
            confirmed_for=button.member_id,
            member_id=interaction.user.id,
        )
        await self.replies.reply(interaction, work, replace=True)

    async def open_report(self, interaction: discord.Interaction, post_id: int) -> None:
        try:
            await interaction.response.send_modal(ReportModal(post_id))
        except discord.HTTPException as error:  # too late, say: counted, not raised
            await self.replies.report(interaction, error)

    async def receive_report(self, interaction: discord.Interaction, form: ReportForm) -> None:
        await self.replies.reply(interaction, self._report(interaction, form))

    async def _report(self, interaction: discord.Interaction, form: ReportForm) -> Rendered:
        data: Any = interaction.data or {}
        reported = await self.reports.report(
            post_id=form.post_id,
            channel_id=interaction.channel_id or 0,
            member_id=interaction.user.id,
            reason=_submitted(list(data.get("components") or []), REASON),
        )
        if reported.log_channel_id is not None:
            await _tell_moderators(interaction.client, reported.log_channel_id, reported.log_line)
        return Rendered(content=reported.thanks)


async def _tell_moderators(client: discord.Client, channel_id: int, line: str) -> None:
    try:
        await client.get_partial_messageable(channel_id).send(
            line, allowed_mentions=discord.AllowedMentions.none()
        )
    except discord.HTTPException as error:
        log.warning("could not write to the moderators' log channel %s: %s", channel_id, error)


async def _prompt(member_id: int) -> Rendered:
    return forget_prompt(member_id)
