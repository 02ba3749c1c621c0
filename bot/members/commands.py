"""What members use beyond practice: "Report a problem" (a modal) and /forget-me.

Thin: parse, call bot.reports or bot.member_data, reply privately. The log channel's line
is sent with no mentions at all, like everything the bot sends.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.interactions.custom_ids import ReportForm
from bot.interactions.replies import reply, report
from bot.members.data import MemberData, forget_prompt
from bot.members.reports import MAX_REASON, Reports
from bot.render import Rendered

if TYPE_CHECKING:
    from bot.interactions.custom_ids import ForgetMe

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


async def receive_report(
    interaction: discord.Interaction, reports: Reports, form: ReportForm
) -> None:
    data: Any = interaction.data or {}

    async def report() -> Rendered:
        reported = await reports.report(
            post_id=form.post_id,
            channel_id=interaction.channel_id or 0,
            member_id=interaction.user.id,
            reason=_submitted(list(data.get("components") or []), REASON),
        )
        if reported.log_channel_id is not None:
            await _tell_moderators(interaction.client, reported.log_channel_id, reported.log_line)
        return Rendered(content=reported.thanks)

    await reply(interaction, report())


async def _tell_moderators(client: discord.Client, channel_id: int, line: str) -> None:
    try:
        await client.get_partial_messageable(channel_id).send(
            line, allowed_mentions=discord.AllowedMentions.none()
        )
    except discord.HTTPException as error:
        log.warning("could not write to the moderators' log channel %s: %s", channel_id, error)


async def open_report(interaction: discord.Interaction, post_id: int) -> None:
    try:
        await interaction.response.send_modal(ReportModal(post_id))
    except discord.HTTPException as error:  # too late, say: counted, not raised
        await report(interaction, error)


async def confirm_forget(
    interaction: discord.Interaction, member_data: MemberData, button: ForgetMe
) -> None:
    work = member_data.forget(
        guild_id=interaction.guild_id or 0,
        confirmed_for=button.member_id,
        member_id=interaction.user.id,
    )
    await reply(interaction, work, replace=True)


@app_commands.command(name="forget-me", description="Delete what the bot keeps about you here")
@app_commands.guild_only()
async def forget_me(interaction: discord.Interaction) -> None:
    """Asks first: the answer is the member's own button (bot.members.data)."""
    await reply(interaction, _prompt(interaction.user.id))


async def _prompt(member_id: int) -> Rendered:
    return forget_prompt(member_id)
