"""The Discord client: receives interactions, hands them to the practice flow, sends replies.

Thin by design: parse, call the domain, render. Buttons are routed by DynamicItem templates
(bot.components), so they keep working after a restart. Mentions are off for every message.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from datetime import timedelta

import discord
from discord import app_commands

from bot import commands, components, custom_ids
from bot.clock import Clock
from bot.counters import CounterRefresher
from bot.custom_ids import (
    AnswerChoice,
    ButtonId,
    Hint,
    OpenPanel,
    PanelChoice,
    PatternTestChoice,
    RunIt,
    Submit,
)
from bot.errors import STALE_BUTTON, Refused
from bot.pattern_test import PatternTests
from bot.practice import Clicked, Practice
from bot.quiz import commands as quiz_commands
from bot.quiz.discord_poster import DiscordPoster
from bot.quiz.manage import QuizManager
from bot.quiz.scheduler import DEFAULT_GRACE, QuizScheduler
from bot.render import Rendered
from bot.replies import reply, report
from bot.run_it import ExampleRunner
from bot.store import Store
from exercises import Catalog

log = logging.getLogger(__name__)


class TutorBot(discord.Client):
    def __init__(
        self,
        *,
        store: Store,
        catalog: Catalog,
        clock: Clock,
        runner: ExampleRunner | None = None,
        counter_edit_seconds: float = 5.0,
        practice_cooldown_seconds: float = 10.0,
        guild_ready_timeout: float = 2.0,
        quiz_grace: timedelta = DEFAULT_GRACE,
        run_quizzes: bool = True,
    ) -> None:
        # The tutor never joins voice: no warning about voice libraries it will not need.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        intents = discord.Intents.none()
        intents.guilds = True  # channels and roles of the servers we are in; no privileged intent
        super().__init__(
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=guild_ready_timeout,
        )
        self.counters = CounterRefresher(self.refresh_post, clock, interval=counter_edit_seconds)
        self.practice = Practice(
            store=store, catalog=catalog, clock=clock, counters=self.counters, runner=runner
        )
        self.quiz_scheduler = QuizScheduler(
            quizzes=store.quizzes,
            catalog=catalog,
            clock=clock,
            poster=DiscordPoster(self, store.guilds.log_channel),
            render_post=self._rendered_post,
            grace=quiz_grace,
            ping_role=store.guilds.quiz_ping_role,
        )
        self._run_quizzes = run_quizzes
        self._quiz_task: asyncio.Task[None] | None = None
        self._names: dict[tuple[int, int], str] = {}
        self.tree = app_commands.CommandTree(self)
        self.tree.on_error = self.on_tree_error  # type: ignore[method-assign]
        self.pattern_tests = PatternTests(runs=store.pattern_tests, catalog=catalog, clock=clock)
        commands.install(
            self.tree,
            self.practice,
            self.pattern_tests,
            cooldown_seconds=practice_cooldown_seconds,
        )
        quizzes = QuizManager(
            quizzes=store.quizzes,
            guilds=store.guilds,
            catalog=catalog,
            clock=clock,
            scheduler=self.quiz_scheduler,
        )
        quiz_commands.install(self.tree, quizzes, store.guilds.moderator_role)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(*components.BUTTONS)
        if self._run_quizzes:
            self._quiz_task = asyncio.create_task(self._post_quizzes(), name="daily-quizzes")

    async def _post_quizzes(self) -> None:
        await self.wait_until_ready()  # the guilds' channels are known; posting can start
        await self.quiz_scheduler.run()

    async def _rendered_post(self, post_id: int) -> Rendered:
        _, rendered = await self.practice.render_post(post_id)
        return rendered

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Remember the member's display name; answer the clicks no DynamicItem will:
        discord.py drops a custom_id that is not ours or not on the clicked message (a forged
        or stale one) without a word."""
        await self._remember_name(interaction)
        if interaction.type is not discord.InteractionType.component or not interaction.data:
            return
        if interaction.data.get("component_type") != discord.ComponentType.button.value:
            await report(interaction, Refused(STALE_BUTTON))  # we only ever send buttons
            return
        custom_id = str(interaction.data.get("custom_id", ""))
        on_message = interaction.message is not None and any(
            getattr(child, "custom_id", None) == custom_id
            for row in interaction.message.components
            for child in getattr(row, "children", [row])
        )
        if custom_ids.parse(custom_id) is None or not on_message:
            log.info("refused a click with custom_id %r", custom_id[:120])
            await report(interaction, Refused(STALE_BUTTON))

    async def _remember_name(self, interaction: discord.Interaction) -> None:
        """For leaderboards: written only when a member's name is new or changed."""
        user = interaction.user
        if interaction.guild_id is None or not isinstance(user, discord.Member):
            return
        key = (interaction.guild_id, user.id)
        if self._names.get(key) == user.display_name:
            return
        self._names[key] = user.display_name
        now = self.practice.clock.now()
        await self.practice.store.guilds.remember_name(*key, user.display_name, now)

    async def handle_button(self, interaction: discord.Interaction, button: ButtonId) -> None:
        """Every button click lands here, already parsed from its custom_id."""
        if isinstance(button, PatternTestChoice):  # a private /test question, edited in place
            member = interaction.user.id
            await reply(
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
                await reply(interaction, practice.submit(on_post, letter, from_panel=False))
            case OpenPanel():
                await reply(interaction, practice.open_panel(on_post))
            case PanelChoice():
                await reply(
                    interaction, practice.choose(on_panel, button.chosen_after()), replace=True
                )
            case Submit(chosen=chosen):
                await reply(
                    interaction, practice.submit(on_panel, chosen, from_panel=True), replace=True
                )
            case Hint():
                await reply(interaction, practice.take_hint(on_post))
            case RunIt(answer=answer):
                await reply(interaction, practice.run_it(on_panel, answer), defer_first=True)

    async def refresh_post(self, post_id: int) -> None:
        """Edit a post's public message to show the current counters (called coalesced)."""
        post, rendered = await self.practice.render_post(post_id)
        if post.message_id is None:
            return
        message = self.get_partial_messageable(post.channel_id).get_partial_message(post.message_id)
        await message.edit(embed=rendered.embed, view=components.view_for(rendered.buttons))

    async def on_tree_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        cause = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        if isinstance(cause, app_commands.CommandOnCooldown):
            await report(interaction, commands.cooldown_refusal(cause))
        elif isinstance(cause, app_commands.CheckFailure):
            await report(interaction, commands.check_refusal(cause))
        else:
            await report(interaction, cause)

    async def close(self) -> None:
        if self._quiz_task is not None:
            self._quiz_task.cancel()
            await asyncio.gather(self._quiz_task, return_exceptions=True)
        await self.counters.flush()  # while the connection is still there to edit with
        await super().close()
