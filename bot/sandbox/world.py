"""The stand-in's state: what Discord keeps between requests, and the ids it hands out.

Changes to messages are appended to `changes` so tests can wait for them. Never does I/O:
the gateway and the REST routes read and change the world, and announce what changed.
"""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock
from bot.sandbox.feed import Feed
from bot.sandbox.model import (
    EVERYONE_PERMISSIONS,
    MANAGE_GUILD,
    MANAGE_MESSAGES,
    MEMBER_OVERWRITE,
    ROLE_OVERWRITE,
    Attachment,
    Channel,
    Guild,
    Member,
    Message,
    Overwrite,
    Role,
    User,
)

DISCORD_EPOCH_MS = 1_420_070_400_000
BOT_PERMISSIONS = EVERYONE_PERMISSIONS | MANAGE_MESSAGES


@dataclass
class Interaction:
    """One slash command or click, and how the bot has answered it so far."""

    id: int
    token: str
    kind: int  # 2: command, 3: component, 4: autocomplete, 5: modal submit
    guild_id: int
    channel_id: int
    member: Member
    created_at: datetime
    data: dict[str, Any]
    message_id: int | None = None
    response_type: int | None = None
    responded_at: datetime | None = None
    original_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    webhook_calls: list[str] = field(default_factory=list)  # e.g. "PATCH @original", "POST"
    clicked_message_updated: bool = False  # by type 7, or by type 6 and an edit of @original
    modal: dict[str, Any] | None = None  # the form the bot answered with (callback type 9)
    choices: list[dict[str, Any]] | None = None  # autocomplete suggestions (callback type 8)

    @property
    def acknowledged(self) -> bool:
        return self.response_type is not None

    def __repr__(self) -> str:
        return f"<Interaction {self.id} kind={self.kind} response={self.response_type}>"


class World:
    def __init__(
        self, clock: Clock, *, token: str, bot_name: str = "Tutor", shard_count: int = 1
    ) -> None:
        if shard_count < 1:
            raise ValueError(f"a bot has at least one shard, got {shard_count}")
        self.clock = clock
        self.token = token
        self.shard_count = shard_count  # GET /gateway/bot advises it; IDENTIFY must match
        self._guild_ages = itertools.count()
        self._sequence = itertools.count(1)
        self.bot = User(self.snowflake(), bot_name, bot=True)
        self.application_id = self.bot.id
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.users: dict[int, User] = {self.bot.id: self.bot}
        self.messages: dict[int, Message] = {}
        self.commands: dict[int | None, list[dict[str, Any]]] = {None: []}
        self.interactions: dict[int, Interaction] = {}
        self.attachments: dict[int, Attachment] = {}
        self.changes: Feed[Message] = Feed("message change")

    def snowflake(self, at: datetime | None = None) -> int:
        """A new id, stamped with `at` (now, by default) as Discord stamps its ids."""
        milliseconds = int((at or self.clock.now()).timestamp() * 1000) - DISCORD_EPOCH_MS
        return (milliseconds << 22) | (next(self._sequence) & 0x3FFFFF)

    def shard_of(self, guild_id: int) -> int:
        """The shard whose session receives a guild's events, as Discord computes it."""
        return (guild_id >> 22) % self.shard_count

    def add_guild(self, name: str) -> Guild:
        # Each server is a millisecond older than the one added after it, so that on a test
        # clock that stands still their ids still spread across shards, as real ones do.
        guild_id = self.snowflake(self.clock.now() - timedelta(milliseconds=next(self._guild_ages)))
        guild = Guild(guild_id, name, owner_id=0)
        guild.roles[guild_id] = Role(guild_id, "@everyone", EVERYONE_PERMISSIONS)
        self.guilds[guild_id] = guild
        owner = self.add_member(guild, f"{name} owner")
        guild.owner_id = owner.id
        self.join_bot(guild)
        return guild

    def join_bot(self, guild: Guild) -> None:
        """The bot becomes a member, with its own role (kept from an earlier stay)."""
        roles = [role for role in guild.roles.values() if role.name == self.bot.name]
        bot_role = roles[0] if roles else self.add_role(guild, self.bot.name, BOT_PERMISSIONS)
        guild.members[self.bot.id] = Member(self.bot, guild.id, [bot_role.id], self.clock.now())

    def has_bot(self, guild_id: int) -> bool:
        return self.bot.id in self.guilds[guild_id].members

    def add_role(self, guild: Guild, name: str, permissions: int) -> Role:
        role = Role(self.snowflake(), name, permissions, position=len(guild.roles))
        guild.roles[role.id] = role
        return role

    def bot_member(self, guild: Guild) -> Member:
        return guild.members[self.bot.id]

    def set_overwrite(
        self, channel: Channel, target: Role | Member, *, allow: int = 0, deny: int = 0
    ) -> None:
        """Replace the channel's overwrite for a role (@everyone too) or a member."""
        kind = ROLE_OVERWRITE if isinstance(target, Role) else MEMBER_OVERWRITE
        if allow & deny:
            raise ValueError(f"a permission cannot be both allowed and denied: {allow & deny}")
        channel.overwrites[target.id] = Overwrite(target.id, kind, allow, deny)

    def moderator_role(self, guild: Guild) -> Role:
        for role in guild.roles.values():
            if role.name == "Moderators":
                return role
        return self.add_role(guild, "Moderators", EVERYONE_PERMISSIONS | MANAGE_GUILD)

    def add_channel(self, guild: Guild, name: str) -> Channel:
        channel = Channel(self.snowflake(), guild.id, name, position=len(guild.channels))
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        return channel

    def add_member(self, guild: Guild, name: str, *, roles: tuple[Role, ...] = ()) -> Member:
        user = User(self.snowflake(), name)
        self.users[user.id] = user
        member = Member(user, guild.id, [role.id for role in roles], self.clock.now())
        guild.members[user.id] = member
        return member

    def new_interaction(
        self,
        kind: int,
        member: Member,
        channel: Channel,
        data: dict[str, Any],
        *,
        age: timedelta = timedelta(0),
    ) -> Interaction:
        """An interaction created `age` ago: one that waited somewhere before delivery."""
        created_at = self.clock.now() - age
        interaction = Interaction(
            id=self.snowflake(created_at),
            token=f"aW50ZXJhY3Rpb24{secrets.token_urlsafe(48)}",
            kind=kind,
            guild_id=channel.guild_id,
            channel_id=channel.id,
            member=member,
            created_at=created_at,
            data=data,
        )
        self.interactions[interaction.id] = interaction
        return interaction

    def post(
        self,
        channel: Channel,
        body: dict[str, Any],
        *,
        visible_to: int | None = None,
        interaction_id: int | None = None,
        author: User | None = None,
    ) -> Message:
        message = Message(
            id=self.snowflake(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author=author or self.bot,
            body=body,
            created_at=self.clock.now(),
            visible_to=visible_to,
            interaction_id=interaction_id,
        )
        self.messages[message.id] = message
        self.changes.append(message)
        return message

    def edit(self, message: Message, changes: dict[str, Any]) -> None:
        message.edit(changes, self.clock.now())
        self.changes.append(message)

    def delete(self, message: Message) -> None:
        message.deleted = True
        self.changes.append(message)

    def channel_messages(self, channel: Channel) -> list[Message]:
        """The public messages of a channel, oldest first (what every member sees)."""
        return [
            message
            for message in self.messages.values()
            if message.channel_id == channel.id and not message.ephemeral and not message.deleted
        ]

    def ephemeral_replies(self, member: Member) -> list[Message]:
        """The replies only this member sees, oldest first."""
        return [
            message
            for message in self.messages.values()
            if message.visible_to == member.id and not message.deleted
        ]

    def visible_message(self, channel_id: int, message_id: int) -> Message | None:
        """A public message of the channel, as the bot may fetch or edit it by channel."""
        message = self.messages.get(message_id)
        if message is None or message.deleted or message.ephemeral:
            return None
        return message if message.channel_id == channel_id else None
