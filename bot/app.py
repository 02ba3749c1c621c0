"""The Discord client: receives interactions, hands them to the practice flow, sends replies.

Thin by design: parse, call the domain, render. Buttons are routed by `on_interaction`, which
parses each custom_id once; a button's id holds all its state, so it works after a restart.
Mentions are off for every message.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Coroutine, Sequence
from datetime import timedelta
from typing import Any

import discord
import yarl
from discord import app_commands

from bot import (
    command_sync,
    commands,
    components,
    custom_ids,
    logs,
    member_commands,
    metrics,
    mod_commands,
    preview_command,
)
from bot.clock import Clock
from bot.counters import CounterRefresher
from bot.custom_ids import (
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
from bot.display_names import DisplayNames
from bot.errors import STALE_BUTTON, Refused
from bot.gateway_start import wait_for_gateway
from bot.in_flight import InFlight
from bot.interaction_age import InteractionAges
from bot.member_data import MemberData
from bot.moderation import Moderation
from bot.pattern_test import PatternTests
from bot.practice import Clicked, Practice
from bot.quiz import commands as quiz_commands
from bot.quiz.discord_poster import DiscordPoster
from bot.quiz.manage import QuizManager
from bot.quiz.scheduler import DEFAULT_GRACE, QuizScheduler
from bot.render import Rendered
from bot.replies import reply, report
from bot.reports import Reports
from bot.retention import Retention
from bot.run_it import ExampleRunner
from bot.store import Store
from bot.undelivered import Undelivered
from exercises import Catalog

log = logging.getLogger(__name__)


class TutorBot(discord.AutoShardedClient):
    """The tutor on Discord. Sharded as discord.py's AutoShardedClient: by default as many
    shards as Discord advises, all in this process; `shard_count` and `shard_ids` let
    several processes split them (each then serves only its own shards' servers)."""

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
        sync_commands_at_start: bool = True,
        shutdown_grace_seconds: float = 5.0,
        quiz_grace: timedelta = DEFAULT_GRACE,
        run_quizzes: bool = True,
        preview: bool = False,
        shard_count: int | None = None,
        shard_ids: Sequence[int] | None = None,
    ) -> None:
        # The tutor never joins voice: no warning about voice libraries it will not need.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        intents = discord.Intents.none()
        intents.guilds = True  # channels and roles of the servers we are in; no privileged intent
        super().__init__(
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=guild_ready_timeout,
            shard_count=shard_count,
            # discord.py defaults shard_ids to None, though its annotation says list[int]
            shard_ids=list(shard_ids) if shard_ids is not None else None,  # type: ignore[arg-type]
        )
        self.interaction_ages = InteractionAges(clock)
        self.undelivered = Undelivered(clock)  # answers Discord would not take, summed up
        self.counters = CounterRefresher(self.refresh_post, clock, interval=counter_edit_seconds)
        self.practice = Practice(
            store=store, catalog=catalog, clock=clock, counters=self.counters, runner=runner
        )
        self.moderation = Moderation(
            store=store, catalog=catalog, clock=clock, counters=self.counters
        )
        self.reports = Reports(store=store, clock=clock)
        self.member_data = MemberData(store=store, clock=clock)
        self.retention = Retention(store=store, clock=clock)
        self._background: set[asyncio.Task[Any]] = set()  # cancelled and awaited at close
        self.tree = app_commands.CommandTree(self)
        self.tree.on_error = self.on_tree_error  # type: ignore[method-assign]
        self.quiz_scheduler = QuizScheduler(
            quizzes=store.quizzes,
            servers=store.servers,
            catalog=catalog,
            clock=clock,
            poster=DiscordPoster(self, store.servers),
            render_post=self._rendered_post,
            grace=quiz_grace,
            serves=self.runs_shard_of,
        )
        self._run_quizzes = run_quizzes
        self._names = DisplayNames(store.guilds, clock)
        self.pattern_tests = PatternTests(runs=store.pattern_tests, catalog=catalog, clock=clock)
        commands.install(
            self.tree,
            self.practice,
            self.pattern_tests,
            cooldown_seconds=practice_cooldown_seconds,
        )
        mod_commands.install(self.tree, self.moderation)
        member_commands.install(self.tree)
        quizzes = QuizManager(
            quizzes=store.quizzes,
            servers=store.servers,
            catalog=catalog,
            clock=clock,
            scheduler=self.quiz_scheduler,
        )
        quiz_commands.install(self.tree, quizzes)
        if preview:  # the sandbox's /preview, for content authors
            preview_command.install(self.tree, self.practice)
        self.sync_commands_at_start = sync_commands_at_start
        self.shutdown_grace_seconds = shutdown_grace_seconds
        self.in_flight = InFlight()  # received, not yet answered: a stop answers them first
        self._closing: asyncio.Task[None] | None = None
        self._reaching_gateway: asyncio.Future[None] | None = None  # at start (launch_shard)
        self.connected = False  # to the gateway, as /health reports it

    def runs_shard_of(self, guild_id: int) -> bool:
        """Whether this process runs the shard that Discord sends a server's events to
        ((guild_id >> 22) % shard count): always, unless SHARD_IDS gave it only some."""
        if self.shard_ids is None or not self.shard_count:
            return True
        return (guild_id >> 22) % self.shard_count in self.shard_ids

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        """Note every interaction as it arrives, before any handler runs: its age on Discord's
        clock, and so that shutting down can wait for its answer; and whether the gateway is
        connected, for /health."""
        if event_name == "interaction" and args:
            interaction = args[0]
            self.interaction_ages.arrived(interaction.created_at)  # each shows Discord's clock
            self.in_flight.arrived(interaction)
        elif event_name == "app_command_completion" and args:
            self.in_flight.settled(args[0])
        elif event_name in ("ready", "resumed", "disconnect"):
            self.connected = event_name != "disconnect"
        super().dispatch(event_name, *args, **kwargs)

    async def launch_shard(
        self, gateway: yarl.URL, shard_id: int, *, initial: bool = False
    ) -> None:
        """The first connection of this process: reachable within about two minutes, or
        GatewayUnreachable (bot.gateway_start), not discord.py's endless retries."""
        if initial:
            self._reaching_gateway = asyncio.ensure_future(
                wait_for_gateway(gateway, self.practice.clock)
            )
            try:
                await self._reaching_gateway
            except asyncio.CancelledError:
                if self._closing is None:
                    raise
                return  # stopped while waiting for the gateway: nothing to connect
        await super().launch_shard(gateway, shard_id, initial=initial)

    async def setup_hook(self) -> None:
        """After login, before the gateway: slash commands synced if changed."""
        self._spawn(self.retention.run(), "retention sweeps")
        if self._run_quizzes:
            self._spawn(self._post_quizzes(), "daily quizzes")
        if self.sync_commands_at_start:
            store, now = self.practice.store, self.practice.clock.now()
            try:
                await command_sync.sync_if_changed(self.tree, store, now)
            except discord.HTTPException as error:
                log.warning("could not sync the slash commands (%s); next start tries again", error)

    async def _post_quizzes(self) -> None:
        await self.wait_until_ready()  # the guilds' channels are known; posting can start
        await self.quiz_scheduler.run()

    async def _rendered_post(self, post_id: int) -> Rendered:
        _, rendered = await self.practice.render_post(post_id)
        return rendered

    def _spawn(self, work: Coroutine[Any, Any, Any], name: str) -> None:
        """Run store work for a gateway event as a task that close() ends before the store
        is closed (discord.py's own event tasks are not waited for)."""
        task = asyncio.create_task(work, name=name)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def on_ready(self) -> None:
        present = frozenset(guild.id for guild in self.guilds)
        self._spawn(self.retention.reconcile(present), "servers left while offline")

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        self._spawn(self.retention.left(guild.id), f"left server {guild.id}")

    async def on_guild_join(self, guild: discord.Guild) -> None:
        self._spawn(self.retention.returned(guild.id), f"joined server {guild.id}")

    async def on_guild_available(self, guild: discord.Guild) -> None:
        """At every start too: invited back while the bot was offline still cancels."""
        self._spawn(self.retention.returned(guild.id), f"in server {guild.id}")

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Route every button click: its custom_id parsed once, strictly, and only if the
        button is on the clicked message; anything else (forged, stale) is refused. Modal
        submissions are routed here by their custom_id, like buttons. Every interaction
        also tells the bot the member's display name, for leaderboards."""
        self._remember_name(interaction)
        if interaction.type is discord.InteractionType.modal_submit and interaction.data:
            form = custom_ids.parse_form(str(interaction.data.get("custom_id", "")))
            if form is None:
                await report(interaction, Refused(STALE_BUTTON))
            else:
                await member_commands.receive_report(interaction, self.reports, form)
            return
        if interaction.type is not discord.InteractionType.component or not interaction.data:
            return
        data = interaction.data
        custom_id = str(data.get("custom_id", ""))
        is_button = data.get("component_type") == discord.ComponentType.button.value
        button = custom_ids.parse(custom_id)
        if not is_button or not components.is_on(interaction.message, custom_id):
            button = None  # we only send buttons, and a click names one on its message
        logs.about_interaction(
            guild_id=interaction.guild_id,
            member_id=interaction.user.id,
            post_id=getattr(button, "post_id", None),  # /forget-me's button is on no post
            interaction_id=interaction.id,
        )
        if button is None:
            log.info("refused a click with custom_id %r", custom_id[:120])
            lost = await report(interaction, Refused(STALE_BUTTON))
            metrics.INTERACTIONS.labels(metrics.LOST_OUTCOMES[lost] if lost else "refused").inc()
            self.in_flight.settled(interaction)
            return
        await self.handle_button(interaction, button)

    def _remember_name(self, interaction: discord.Interaction) -> None:
        """Written only when a member's name is new or changed since this process started,
        beside the interaction's own work: a member's first click waits for no extra write."""
        user = interaction.user
        if interaction.guild_id is None or not isinstance(user, discord.Member):
            return
        if self._names.is_new(interaction.guild_id, user.id, user.display_name):
            work = self._names.store(interaction.guild_id, user.id, user.display_name)
            self._spawn(work, "remember a name")

    async def handle_button(self, interaction: discord.Interaction, button: ButtonId) -> None:
        """Every click on one of our buttons lands here, already parsed from its custom_id."""
        self.in_flight.handled_by(asyncio.current_task())
        try:
            await self._handle_button(interaction, button)
        finally:
            self.in_flight.settled(interaction)

    async def _handle_button(self, interaction: discord.Interaction, button: ButtonId) -> None:
        if isinstance(button, ForgetMe):
            await member_commands.confirm_forget(interaction, self.member_data, button)
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
                await member_commands.open_report(interaction, button.post_id)

    async def _reply(
        self,
        interaction: discord.Interaction,
        work: Awaitable[Rendered],
        *,
        replace: bool = False,
        defer_first: bool = False,
    ) -> None:
        """bot.replies.reply, counted in tutor_bot_interactions by outcome."""
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

        lost = await reply(interaction, observed(), replace=replace, defer_first=defer_first)
        if lost is not None:
            outcome.insert(0, metrics.LOST_OUTCOMES[lost])
        elif not outcome:
            outcome.append(metrics.answered_outcome(interaction))
        metrics.INTERACTIONS.labels(outcome[0]).inc()

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
        if isinstance(cause, app_commands.AppCommandError) and command_sync.is_stale_command(cause):
            await report(interaction, command_sync.stale_command_refusal(interaction, cause))
        elif isinstance(cause, app_commands.CommandOnCooldown):
            await report(interaction, commands.cooldown_refusal(cause))
        elif isinstance(cause, app_commands.CheckFailure):
            await report(interaction, commands.check_refusal(cause))
        else:
            await report(interaction, cause)
        self.in_flight.settled(interaction)

    async def close(self) -> None:
        """Shut down gracefully (SIGTERM, Ctrl-C): answer every interaction already received,
        make the counter edits still due, then close the connection. Safe to call twice."""
        if self._closing is None:
            self._closing = asyncio.create_task(self._close(), name="bot-close")
        await asyncio.shield(self._closing)

    async def _close(self) -> None:
        if self._reaching_gateway is not None:
            self._reaching_gateway.cancel()  # a stop while the gateway is unreachable
        await self.in_flight.answer_all(self.shutdown_grace_seconds)
        for task in self._background:  # store work of gateway events: the store closes next
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        await self.counters.flush()  # while the connection is still there to edit with
        self.undelivered.close()
        await super().close()
