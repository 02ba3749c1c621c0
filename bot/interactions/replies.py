"""Answering an interaction: in time, privately where it should be, and errors made short.

Discord wants an answer within 3 seconds. Work that finishes within a budget is sent as the
answer itself; slower work is deferred first and followed up. Refused -> a short private
message; anything else is logged and the member gets a short apology. Never raises.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Awaitable

import discord

from bot.errors import Refused
from bot.interactions.components import embed_for, view_for
from bot.interactions.interaction_age import InteractionAges
from bot.interactions.undelivered import Lost, Undelivered, lost_because
from bot.render import Rendered
from bot.store import WritesFailing

log = logging.getLogger(__name__)

DEFER_AFTER_SECONDS = 1.5
ANSWER_WITHIN_SECONDS = 2.5  # Discord's limit is 3 s; keep half a second for the answer
SOMETHING_WENT_WRONG = (
    "Something went wrong on our side. If you answered, `/stats` shows whether it was recorded."
)


class Replies:
    """Answers interactions in time, on Discord's clock (the interaction's age as the client
    noted it on arrival), and counts the answers Discord would not take."""

    def __init__(self, ages: InteractionAges, undelivered: Undelivered) -> None:
        self.ages = ages
        self.undelivered = undelivered

    async def reply(
        self,
        interaction: discord.Interaction,
        work: Awaitable[Rendered],
        *,
        replace: bool = False,
        defer_first: bool = False,
    ) -> Lost | None:
        """Send what `work` renders: privately, or in place of the clicked message (`replace`).

        `defer_first` is for work that may well be slow (a call to the tutor service). Returns
        why the answer was lost when Discord would not take it (see `report`), else None.
        """
        task = asyncio.ensure_future(work)
        try:
            try:
                age = self.ages.age(interaction.created_at)
                budget = 0 if defer_first else time_to_answer(age)
                rendered = await asyncio.wait_for(asyncio.shield(task), budget)
            except TimeoutError:
                if replace:
                    await interaction.response.defer()
                else:
                    await interaction.response.defer(ephemeral=True, thinking=True)
                rendered = await task
            await _send(interaction, rendered, replace=replace)
        except Exception as error:  # one place turns every failure into a short private message
            if not task.done():
                task.cancel()  # the defer failed: nobody will see this work's result
            elif not task.cancelled():
                task.exception()  # seen: it is not "never retrieved"; the answer is lost anyway
            return await self.report(interaction, error)
        return None

    async def reply_text(
        self, interaction: discord.Interaction, text: Awaitable[str]
    ) -> Lost | None:
        """`reply` for work whose answer is text alone, sent privately (moderators' commands)."""
        return await self.reply(interaction, _text_only(text))

    async def report(self, interaction: discord.Interaction, error: BaseException) -> Lost | None:
        """The one error handler: our refusals are told to the member, our failures logged and
        apologised for. An answer Discord would not take (the interaction expired, another
        process answered it, Discord rate limited us or failed) is only counted: nothing more
        can reach the member, and a traceback, an apology or a retry for each of a burst of
        them would add load where there is too much already. Returns why it was lost, if it
        was."""
        lost = await _tell(interaction, error)
        if lost is not None:
            self.undelivered.note(lost, interaction.id)
        return lost


def time_to_answer(age: float) -> float:
    """Seconds to wait for the work before deferring, for an interaction `age` seconds old
    (on Discord's clock), so that a backlog of clicks still gets its answer within 3 s."""
    return max(0.0, min(DEFER_AFTER_SECONDS, ANSWER_WITHIN_SECONDS - age))


async def _send(interaction: discord.Interaction, rendered: Rendered, *, replace: bool) -> None:
    view = view_for(rendered.buttons)
    embed = embed_for(rendered.embed)
    embeds = [embed] if embed else []
    files = [discord.File(io.BytesIO(a.data), filename=a.filename) for a in rendered.files]
    attached = files or discord.utils.MISSING  # none given: leave a message's files as they are
    if interaction.response.is_done():
        if replace:
            await interaction.edit_original_response(
                content=rendered.content or None, embeds=embeds, view=view, attachments=attached
            )
        else:
            await interaction.followup.send(
                rendered.content or discord.utils.MISSING,
                embeds=embeds,
                view=view or discord.utils.MISSING,
                files=attached,
                ephemeral=True,
            )
    elif replace:
        await interaction.response.edit_message(
            content=rendered.content or None, embeds=embeds, view=view, attachments=attached
        )
    else:
        await interaction.response.send_message(
            rendered.content or None,
            embeds=embeds,
            view=view or discord.utils.MISSING,
            files=attached,
            ephemeral=True,
        )


async def _tell(interaction: discord.Interaction, error: BaseException) -> Lost | None:
    lost = lost_because(error)
    if lost is not None:
        return lost
    if isinstance(error, Refused):
        message = error.message
    elif isinstance(error, WritesFailing):  # counted and logged by the store, a line a minute
        message = SOMETHING_WENT_WRONG
    else:
        log.error("interaction %s failed", interaction.id, exc_info=error)
        message = SOMETHING_WENT_WRONG
    try:
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True)
        else:
            await interaction.response.send_message(message, ephemeral=True)
    except discord.HTTPException as failed:
        lost = lost_because(failed)
        if lost is None:
            log.warning("could not tell member about a failed interaction %s", interaction.id)
        return lost
    return None


def answered_outcome(interaction: discord.Interaction) -> str:
    """A click's outcome once its reply was sent: answered at once, or after a defer."""
    kind = interaction.response.type
    if kind is None:
        return "failed"  # the answer itself could not be sent
    deferred = (
        discord.InteractionResponseType.deferred_channel_message,
        discord.InteractionResponseType.deferred_message_update,
    )
    return "deferred" if kind in deferred else "answered"


async def _text_only(text: Awaitable[str]) -> Rendered:
    return Rendered(content=await text)
