"""A click on one of our buttons, already parsed from its custom_id (TutorBot.on_interaction):
handed to the feature it belongs to, its answer sent in time and counted by outcome.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable

import discord

from bot import metrics
from bot.errors import Refused
from bot.interactions.custom_ids import (
    AnswerChoice,
    ButtonId,
    ForgetMe,
    Hint,
    OpenPanel,
    PanelChoice,
    PatternTestChoice,
    Report,
    RunIt,
    Submit,
)
from bot.interactions.replies import Replies, answered_outcome
from bot.interactions.undelivered import LOST_OUTCOMES
from bot.members.commands import MemberCommands
from bot.practice.flow import Clicked, Practice
from bot.practice.pattern_test import PatternTests
from bot.render import Rendered


class Clicks:
    def __init__(
        self,
        practice: Practice,
        pattern_tests: PatternTests,
        members: MemberCommands,
        replies: Replies,
    ) -> None:
        self.practice = practice
        self.pattern_tests = pattern_tests
        self.members = members
        self.replies = replies

    async def handle(self, interaction: discord.Interaction, button: ButtonId) -> None:
        """Hand a click to its feature; its answer is sent in time and counted by outcome."""
        if isinstance(button, ForgetMe):
            await self.members.confirm_forget(interaction, button)
            return
        if isinstance(button, PatternTestChoice):  # a private /test question, edited in place
            member = interaction.user.id
            await self._reply(
                interaction, self.pattern_tests.choose(button, member_id=member), replace=True
            )
            return
        public_message = interaction.message.id if interaction.message else None
        on_post = Clicked(
            post_id=button.post_id,
            channel_id=interaction.channel_id or 0,
            message_id=public_message,
            member_id=interaction.user.id,
            interaction_id=interaction.id,
        )
        on_panel = dataclasses.replace(on_post, message_id=None)
        practice = self.practice
        match button:
            case AnswerChoice(letter=letter):
                await self._reply(interaction, practice.submit(on_post, letter, from_panel=False))
            case OpenPanel():
                await self._reply(interaction, practice.open_panel(on_post))
            case PanelChoice():
                await self._reply(
                    interaction, practice.choose(on_panel, button.chosen_after()), replace=True
                )
            case Submit(chosen=chosen):
                await self._reply(
                    interaction, practice.submit(on_panel, chosen, from_panel=True), replace=True
                )
            case Hint():
                await self._reply(interaction, practice.take_hint(on_post))
            case RunIt(answer=answer):
                await self._reply(interaction, practice.run_it(on_panel, answer), defer_first=True)
            case Report():
                await self.members.open_report(interaction, button.post_id)

    async def _reply(
        self,
        interaction: discord.Interaction,
        work: Awaitable[Rendered],
        *,
        replace: bool = False,
        defer_first: bool = False,
    ) -> None:
        """Replies.reply, counted in tutor_bot_interactions by outcome."""
        outcome = []

        async def observed() -> Rendered:
            try:
                return await work
            except Refused:
                outcome.append("refused")
                raise
            except Exception:
                outcome.append("failed")
                raise

        lost = await self.replies.reply(
            interaction, observed(), replace=replace, defer_first=defer_first
        )
        if lost is not None:
            outcome.insert(0, LOST_OUTCOMES[lost])
        elif not outcome:
            outcome.append(answered_outcome(interaction))
        metrics.INTERACTIONS.labels(outcome[0]).inc()
