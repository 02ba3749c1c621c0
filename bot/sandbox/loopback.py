"""LoopbackDiscord: the stand-in as tests and the sandbox drive it.

Set up guilds, channels, members and moderators; act as members (run a slash command, click
a button); look at what members would see; wait for requests and messages; inject faults.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from types import TracebackType
from typing import TYPE_CHECKING, Any

from bot.clock import Clock, SystemClock
from bot.sandbox import autocomplete, members, modals
from bot.sandbox.faults import Faults
from bot.sandbox.gateway import HEARTBEAT_INTERVAL_SECONDS, Gateway, Session
from bot.sandbox.model import Channel, Guild, Member, Message, Role
from bot.sandbox.recording import RecordedRequest, Recorder
from bot.sandbox.server import Server
from bot.sandbox.world import Interaction, World

if TYPE_CHECKING:
    from bot.sandbox.spec import DiscordSpec

DEFAULT_TOKEN = "loopback-bot-token"


class LoopbackDiscord:
    def __init__(
        self,
        *,
        clock: Clock | None = None,
        spec: DiscordSpec | None = None,
        token: str = DEFAULT_TOKEN,
        bot_name: str = "Tutor",
        shard_count: int = 1,
        heartbeat_interval: float = HEARTBEAT_INTERVAL_SECONDS,
    ) -> None:
        self.clock = clock or SystemClock()
        self.token = token
        self.world = World(self.clock, token=token, bot_name=bot_name, shard_count=shard_count)
        self.gateway = Gateway(self.world, heartbeat_interval=heartbeat_interval)
        self.faults = Faults()
        self.recorder = Recorder(self.clock, self.faults, spec)
        self.server = Server(self.world, self.gateway, self.recorder)

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> LoopbackDiscord:
        await self.server.start(host, port)
        return self

    async def stop(self) -> None:
        await self.server.stop()

    async def __aenter__(self) -> LoopbackDiscord:
        return await self.start()

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def api_base(self) -> str:
        return self.server.api_base

    @property
    def gateway_url(self) -> str:
        return self.server.gateway_url

    # Setting up: before the bot connects (GUILD_CREATE carries all of it).

    def add_guild(self, name: str = "Tutor Test") -> Guild:
        return self.world.add_guild(name)

    def add_channel(self, guild: Guild, name: str = "practice") -> Channel:
        return self.world.add_channel(guild, name)

    def add_member(
        self, guild: Guild, name: str, *, moderator: bool = False, roles: tuple[Role, ...] = ()
    ) -> Member:
        """A member; a moderator also holds the guild's role with Manage Server."""
        if moderator:
            roles = (*roles, self.world.moderator_role(guild))
        return self.world.add_member(guild, name, roles=roles)

    def add_role(self, guild: Guild, name: str, *, permissions: int = 0) -> Role:
        return self.world.add_role(guild, name, permissions)

    def bot_member(self, guild: Guild) -> Member:
        """The bot as a member of the guild (its role holds what it was invited with)."""
        return self.world.bot_member(guild)

    async def set_permissions(
        self, channel: Channel, target: Role | Member, *, allow: int = 0, deny: int = 0
    ) -> None:
        """A channel permission overwrite for a role (`guild.everyone` too) or a member, as
        in the channel's settings; a connected bot gets CHANNEL_UPDATE. Permissions in
        interactions are computed from these, as Discord does."""
        self.world.set_overwrite(channel, target, allow=allow, deny=deny)
        await self.gateway.dispatch("CHANNEL_UPDATE", channel.payload(), channel.guild_id)

    # Acting as members.

    async def run_command(
        self,
        member: Member,
        channel: Channel,
        command: str,
        /,
        *,
        age: float = 0.0,
        **options: Any,
    ) -> Interaction:
        """`/command` as typed in the client; "quiz schedule" runs a subcommand.

        Positional-only, so that an option may be called `channel` or `command`.
        Channel, member and role options take the sandbox's objects and arrive resolved.
        `age`: seconds the interaction is already old when it reaches the bot (a backlog).
        """
        self._need_a_bot()
        interaction = members.command_interaction(
            self.world, member, channel, command, options, age=timedelta(seconds=age)
        )
        await self._deliver(interaction)
        return interaction

    async def click(
        self,
        member: Member,
        message: Message,
        custom_id: str,
        *,
        forged: bool = False,
        age: float = 0.0,
    ) -> Interaction:
        """Click the button `custom_id` on a message the member sees (any id, if forged).

        `age`: seconds the click is already old when it reaches the bot (a backlog)."""
        self._need_a_bot()
        interaction = members.click_interaction(
            self.world, member, message, custom_id, forged=forged, age=timedelta(seconds=age)
        )
        await self._deliver(interaction)
        return interaction

    async def autocomplete(
        self,
        member: Member,
        channel: Channel,
        command: str,
        option: str,
        typed: str,
        /,
        *,
        within: float = 5.0,
        **options: Any,
    ) -> list[dict[str, Any]]:
        """Type `typed` into `option` of `/command` (other options as already filled in):
        the choices the bot suggests, each {"name", "value"}."""
        self._need_a_bot()
        interaction = autocomplete.autocomplete_interaction(
            self.world, member, channel, command, option, typed, options
        )
        await self._deliver(interaction)
        await self.wait_for_request(
            lambda request: (
                request.path.startswith(f"/interactions/{interaction.id}/")
                and interaction.choices is not None
            ),
            within=within,
        )
        return interaction.choices or []

    async def submit_modal(
        self, member: Member, shown_by: Interaction, *, within: float = 5.0, **values: str
    ) -> Interaction:
        """Fill in and submit the modal the bot showed in answer to `shown_by`, waiting for
        it to be shown first; `values` by each text input's custom_id."""
        self._need_a_bot()
        if shown_by.modal is None:
            await self.wait_for_request(
                lambda request: (
                    request.path.startswith(f"/interactions/{shown_by.id}/")
                    and shown_by.modal is not None
                ),
                within=within,
            )
        interaction = modals.submit_interaction(self.world, member, shown_by, values)
        await self._deliver(interaction)
        return interaction

    async def remove_bot(self, guild: Guild) -> None:
        """An admin removes the bot from a server: GUILD_DELETE, and it no longer sees it."""
        self.world.guilds[guild.id].members.pop(self.world.bot.id, None)
        await self.gateway.dispatch("GUILD_DELETE", {"id": str(guild.id)}, guild.id)

    async def add_bot_back(self, guild: Guild) -> None:
        """The bot is invited to a server again: GUILD_CREATE with the whole server."""
        self.world.join_bot(guild)
        joined = guild.payload()
        del joined["unavailable"]  # absent for a join; `false` means "available again"
        await self.gateway.dispatch("GUILD_CREATE", joined, guild.id)

    async def say(self, member: Member, channel: Channel, content: str) -> Message:
        """A member writes in a channel (MESSAGE_CREATE reaches bots with that intent)."""
        message = self.world.post(channel, {"content": content}, author=member.user)
        await self.gateway.dispatch("MESSAGE_CREATE", message.payload(), channel.guild_id)
        return message

    def _need_a_bot(self) -> None:
        if not self.gateway.sessions:  # a session between connections gets it on RESUME
            raise members.DriverError("no bot has connected; await wait_until_ready() first")

    async def _deliver(self, interaction: Interaction) -> None:
        payload = members.interaction_payload(self.world, interaction)
        await self.gateway.dispatch("INTERACTION_CREATE", payload, interaction.guild_id)

    # Looking at what members see.

    def messages(self, channel: Channel) -> list[Message]:
        return self.world.channel_messages(channel)

    def ephemeral_replies(self, member: Member) -> list[Message]:
        return self.world.ephemeral_replies(member)

    def commands(self, guild: Guild | None = None) -> list[dict[str, Any]]:
        return self.world.commands.get(guild.id if guild else None, [])

    @property
    def requests(self) -> list[RecordedRequest]:
        return self.recorder.requests.items

    # Waiting, never sleeping: each returns as soon as what it waits for is there.

    async def wait_until_ready(self, *, within: float = 5.0) -> Session:
        """A session with its READY and GUILD_CREATEs sent (a fresh one, or one resumed)."""
        event = await self.gateway.events.wait_for(
            lambda event: event.kind in ("ready", "resumed") and event.session.connected,
            within=within,
        )
        return event.session

    @property
    def session_events(self) -> int:
        """How many gateway session events so far: pass it as `after` to wait for new ones."""
        return len(self.gateway.events)

    async def wait_for_session(self, kind: str, *, after: int, within: float = 5.0) -> Session:
        """The next session event of a kind: "ready", "resumed" or "closed"."""
        event = await self.gateway.events.wait_for(
            lambda event: event.kind == kind, within=within, after=after
        )
        return event.session

    async def wait_for_request(
        self, predicate: Callable[[RecordedRequest], bool], *, within: float = 5.0, after: int = 0
    ) -> RecordedRequest:
        """The first answered request from index `after` on that matches."""
        return await self.recorder.requests.wait_for(predicate, within=within, after=after)

    async def wait_for_message(
        self, predicate: Callable[[Message], bool], *, within: float = 5.0
    ) -> Message:
        """A message (public or ephemeral) whose current state matches, now or after a change."""
        for message in self.world.messages.values():
            if not message.deleted and predicate(message):
                return message
        changes = self.world.changes
        return await changes.wait_for(predicate, within=within, after=len(changes))

    async def reply_to(self, interaction: Interaction, *, within: float = 5.0) -> Message:
        """What the member sees as the answer: the response, once no longer "thinking...",
        the first follow-up, or the clicked message as updated (at once, type 7, or after a
        deferred update, type 6, by an edit of `@original`)."""

        def answers(message: Message) -> bool:
            # the interaction learns its message ids just after the change is announced
            mine = message.interaction_id == interaction.id and not message.loading
            return mine or answer_of(self.world, interaction) is not None

        changed = await self.world.changes.wait_for(answers, within=within)
        return answer_of(self.world, interaction) or changed

    # Faults.

    def rate_limit(
        self, method: str, path: str, *, retry_after: float = 0.05, times: int = 1
    ) -> None:
        self.faults.rate_limit(method, path, retry_after=retry_after, times=times)

    def fail(
        self,
        method: str,
        path: str,
        *,
        status: int = 403,
        code: int = 50013,
        message: str = "Missing Permissions",
        times: int = 1,
    ) -> None:
        self.faults.error(method, path, status=status, code=code, message=message, times=times)

    async def drop_gateway(self) -> None:
        await self.gateway.drop()

    async def send_reconnect(self) -> None:
        await self.gateway.reconnect()

    async def invalidate_session(self, *, resumable: bool = False) -> None:
        await self.gateway.invalidate(resumable=resumable)


def answer_of(world: World, interaction: Interaction) -> Message | None:
    """The message that answers `interaction`, once there is one."""
    if interaction.clicked_message_updated and interaction.message_id is not None:
        return world.messages[interaction.message_id]
    for message_id in (interaction.original_id, *interaction.followup_ids):
        message = world.messages.get(message_id or 0)
        if message is not None and not message.loading and not message.deleted:
            return message
    return None
