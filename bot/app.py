"""The Discord client: receives interactions, hands them to the practice flow, sends replies.

Thin by design: parse, call the domain, render. Buttons are routed by `on_interaction`, which
parses each custom_id once; a button's id holds all its state, so it works after a restart.
Mentions are off for every message.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Sequence
from datetime import timedelta
from typing import Any

import discord
import yarl
from discord import app_commands

from bot import command_sync, logs, metrics
from bot.clicks import Clicks
from bot.clock import Clock
from bot.display_names import DisplayNames
from bot.errors import STALE_BUTTON, Refused
from bot.gateway_start import wait_for_gateway
from bot.interactions import components, custom_ids
from bot.interactions.custom_ids import (
    ButtonId,
)
from bot.interactions.in_flight import InFlight
from bot.interactions.interaction_age import InteractionAges
from bot.interactions.replies import Replies
from bot.interactions.undelivered import LOST_OUTCOMES, Undelivered
from bot.members.commands import MemberCommands
from bot.members.data import MemberData
from bot.members.reports import Reports
from bot.moderation.actions import Moderation
from bot.moderation.commands import TutorCommands
from bot.moderation.retention import Retention
from bot.practice import commands
from bot.practice.commands import PatternTestCommands, PracticeCommands
from bot.practice.counters import CounterRefresher
from bot.practice.flow import Practice
from bot.practice.pattern_test import PatternTests
from bot.practice.preview_command import PreviewCommand
from bot.practice.run_it import ExampleRunner
from bot.quiz.commands import QuizCommands
from bot.quiz.discord_poster import DiscordPoster
from bot.quiz.manage import QuizManager
from bot.quiz.scheduler import DEFAULT_GRACE, QuizScheduler
from bot.render import Rendered
from bot.review.commands import ReviewCommands
from bot.review.flow import Reviews
from bot.review.recorder import ReviewRecorder
from bot.review.schedule import ReviewSchedule
from bot.store import TutorStore
from exercises import Catalog

log = logging.getLogger(__name__)


class TutorBot(discord.AutoShardedClient):
    """The tutor on Discord. Sharded as discord.py's AutoShardedClient: by default as many
    shards as Discord advises, all in this process; `shard_count` and `shard_ids` let
    several processes split them (each then serves only its own shards' servers)."""

    def __init__(
        self,
        *,
        store: TutorStore,
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
        review_schedule: ReviewSchedule | None = None,
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
        recorder = self._add_practice(
            store, catalog, clock, runner, counter_edit_seconds, review_schedule
        )
        self._background: set[asyncio.Task[Any]] = set()  # cancelled and awaited at close
        self.tree = app_commands.CommandTree(self)
        self.tree.on_error = self.on_tree_error  # type: ignore[method-assign]
        self.quiz_scheduler = self._quiz_scheduler(store, catalog, clock, quiz_grace)
        self._run_quizzes = run_quizzes
        self._names = DisplayNames(store.guilds, clock)
        self.pattern_tests = PatternTests(
            runs=store.pattern_tests, catalog=catalog, clock=clock, reviews=recorder
        )
        self.members = MemberCommands(
            Reports(store=store, clock=clock), MemberData(store=store, clock=clock), self.replies
        )
        self.clicks = Clicks(self.practice, self.pattern_tests, self.members, self.replies)
        self._add_commands(store, practice_cooldown_seconds, preview=preview)
        self.sync_commands_at_start = sync_commands_at_start
        self.shutdown_grace_seconds = shutdown_grace_seconds
        self.in_flight = InFlight()  # received, not yet answered: a stop answers them first
        self._closing: asyncio.Task[None] | None = None
        self._reaching_gateway: asyncio.Future[None] | None = None  # at start (launch_shard)
        self._connecting: asyncio.Future[None] | None = None  # discord.py's loop (connect)
        self.connected = False  # to the gateway, as /health reports it

    def _add_practice(
        self,
        store: TutorStore,
        catalog: Catalog,
        clock: Clock,
        runner: ExampleRunner | None,
        counter_edit_seconds: float,
        review_schedule: ReviewSchedule | None,
    ) -> ReviewRecorder:
        """Practice and what it leans on (replies, counters, reviews), moderation, retention."""
        self.interaction_ages = InteractionAges(clock)
        self.undelivered = Undelivered(clock)  # answers Discord would not take, summed up
        self.replies = Replies(self.interaction_ages, self.undelivered)
        self.counters = CounterRefresher(self.refresh_post, clock, interval=counter_edit_seconds)
        schedule = review_schedule or ReviewSchedule()  # fuzzed, as bot/review/schedule.py says
        recorder = ReviewRecorder(store.review_cards, schedule, clock)
        self.practice = Practice(
            store=store,
            catalog=catalog,
            clock=clock,
            counters=self.counters,
            runner=runner,
            reviews=recorder,
        )
        self.reviews = Reviews(self.practice)
        self.moderation = Moderation(
            store=store, catalog=catalog, clock=clock, counters=self.counters
        )
        self.retention = Retention(store=store, clock=clock)
        return recorder

    def _quiz_scheduler(
        self, store: TutorStore, catalog: Catalog, clock: Clock, grace: timedelta
    ) -> QuizScheduler:
        return QuizScheduler(
            quizzes=store.quizzes,
            servers=store.servers,
            cards=store.review_cards,
            catalog=catalog,
            clock=clock,
            poster=DiscordPoster(self, store.servers),
            render_post=self._rendered_post,
            grace=grace,
            serves=self.runs_shard_of,
        )

    def _add_commands(self, store: TutorStore, cooldown_seconds: float, *, preview: bool) -> None:
        """Every slash command, each group or Cog in the folder of its feature."""
        replies, catalog = self.replies, self.practice.catalog
        practicing = PracticeCommands(
            self.practice, replies, cooldown_seconds=cooldown_seconds, reviews=self.reviews
        )
        for command in [
            *practicing.commands(),
            ReviewCommands(self.reviews, replies).review_command,
        ]:
            self.tree.add_command(command)
        self.tree.add_command(PatternTestCommands(self.pattern_tests, catalog, replies))
        self.tree.add_command(TutorCommands(self.moderation, self, replies))
        self.tree.add_command(self.members.forget_me)
        quizzes = QuizManager(
            quizzes=store.quizzes,
            servers=store.servers,
            catalog=catalog,
            clock=self.practice.clock,
            scheduler=self.quiz_scheduler,
        )
        self.tree.add_command(QuizCommands(quizzes, replies))
        if preview:  # the sandbox's /preview, for content authors
            self.tree.add_command(PreviewCommand(self.practice).preview_command)

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

    async def connect(self, *, reconnect: bool = True) -> None:
        """discord.py's connection loop, which a stop ends at once: while Discord is
        unreachable the loop waits out a growing backoff (half a minute and more) before it
        looks whether the client was closed, past a process manager's patience."""
        self._connecting = asyncio.ensure_future(super().connect(reconnect=reconnect))
        try:
            await self._connecting
        except asyncio.CancelledError:
            if self._closing is None:
                raise

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
                await self.replies.report(interaction, Refused(STALE_BUTTON))
            else:
                await self.members.receive_report(interaction, form)
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
            lost = await self.replies.report(interaction, Refused(STALE_BUTTON))
            metrics.INTERACTIONS.labels(LOST_OUTCOMES[lost] if lost else "refused").inc()
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
            await self.clicks.handle(interaction, button)
        finally:
            self.in_flight.settled(interaction)

    async def refresh_post(self, post_id: int) -> None:
        """Edit a post's public message to show the current counters (called coalesced)."""
        post, rendered = await self.practice.render_post(post_id)
        if post.message_id is None:
            return
        message = self.get_partial_messageable(post.channel_id).get_partial_message(post.message_id)
        await message.edit(
            embed=components.embed_for(rendered.embed), view=components.view_for(rendered.buttons)
        )

    async def on_tree_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        cause = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        if isinstance(cause, app_commands.AppCommandError) and command_sync.is_stale_command(cause):
            await self.replies.report(
                interaction, command_sync.stale_command_refusal(interaction, cause)
            )
        elif isinstance(cause, app_commands.CommandOnCooldown):
            await self.replies.report(interaction, commands.cooldown_refusal(cause))
        elif isinstance(cause, app_commands.CheckFailure):
            await self.replies.report(interaction, commands.check_refusal(cause))
        else:
            await self.replies.report(interaction, cause)
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
        if self._connecting is not None:  # still waiting to reconnect: nothing left to wait for
            self._connecting.cancel()
