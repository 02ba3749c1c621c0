"""What Discord would know: users, guilds with roles, channels and members, messages, commands.

Plain dataclasses and the JSON payloads Discord sends for them; no I/O here.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

ADMINISTRATOR = 1 << 3
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
USE_APPLICATION_COMMANDS = 1 << 31
EVERYONE_PERMISSIONS = (
    ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | READ_MESSAGE_HISTORY
    | USE_APPLICATION_COMMANDS
)
ALL_PERMISSIONS = (1 << 51) - 1
EPHEMERAL = 1 << 6
LOADING = 1 << 7
TEXT_CHANNEL = 0
ROLE_OVERWRITE, MEMBER_OVERWRITE = 0, 1


def timestamp(moment: datetime) -> str:
    return moment.isoformat()


@dataclass
class User:
    id: int
    name: str
    bot: bool = False

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name,
            "discriminator": "0",
            "global_name": None if self.bot else self.name,
            "avatar": None,
            "bot": self.bot,
            "flags": 0,
            "public_flags": 0,
        }


@dataclass
class Role:
    id: int
    name: str
    permissions: int
    position: int = 0

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }


@dataclass
class Overwrite:
    """A channel's permission overwrite for one role (@everyone's id is the guild's) or member."""

    id: int
    type: int  # ROLE_OVERWRITE or MEMBER_OVERWRITE
    allow: int = 0
    deny: int = 0

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "type": self.type,
            "allow": str(self.allow),
            "deny": str(self.deny),
        }


@dataclass
class Channel:
    id: int
    guild_id: int
    name: str
    position: int = 0
    overwrites: dict[int, Overwrite] = field(default_factory=dict)  # by role or member id

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "guild_id": str(self.guild_id),
            "name": self.name,
            "type": TEXT_CHANNEL,
            "position": self.position,
            "permission_overwrites": [o.payload() for o in self.overwrites.values()],
            "nsfw": False,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "parent_id": None,
            "flags": 0,
        }


@dataclass
class Member:
    user: User
    guild_id: int
    role_ids: list[int]
    joined_at: datetime

    @property
    def id(self) -> int:
        return self.user.id

    def payload(self, *, permissions: int | None = None) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "user": self.user.payload(),
            "roles": [str(role_id) for role_id in self.role_ids],
            "joined_at": timestamp(self.joined_at),
            "nick": None,
            "avatar": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
        }
        if permissions is not None:
            payload["permissions"] = str(permissions)
        return payload


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)

    @property
    def everyone(self) -> Role:
        """The @everyone role: its id is the guild's."""
        return self.roles[self.id]

    def permissions_of(self, member: Member) -> int:
        """Base permissions, from @everyone and the member's roles (no channel overwrites):
        the owner and administrators may do anything."""
        granted = self.roles[self.id].permissions
        for role_id in member.role_ids:
            granted |= self.roles[role_id].permissions
        if member.id == self.owner_id or granted & ADMINISTRATOR:
            return ALL_PERMISSIONS
        return granted

    def permissions_in(self, member: Member, channel: Channel) -> int:
        """As Discord computes them: base permissions, then the channel's overwrites for
        @everyone, then for the member's roles (allows win over denies among roles), then
        for the member. Administrators are not affected by overwrites."""
        granted = self.permissions_of(member)
        if granted & ADMINISTRATOR:
            return ALL_PERMISSIONS
        everyone = channel.overwrites.get(self.id)
        if everyone is not None:
            granted = granted & ~everyone.deny | everyone.allow
        allow = deny = 0
        for role_id in member.role_ids:
            role = channel.overwrites.get(role_id)
            if role is not None and role.type == ROLE_OVERWRITE:
                allow, deny = allow | role.allow, deny | role.deny
        granted = granted & ~deny | allow
        own = channel.overwrites.get(member.id)
        if own is not None and own.type == MEMBER_OVERWRITE:
            granted = granted & ~own.deny | own.allow
        return granted

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "owner_id": str(self.owner_id),
            "unavailable": False,
            "member_count": len(self.members),
            "large": False,
            "roles": [role.payload() for role in self.roles.values()],
            "channels": [channel.payload() for channel in self.channels.values()],
            "members": [member.payload() for member in self.members.values()],
            "threads": [],
            "emojis": [],
            "stickers": [],
            "features": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "icon": None,
            "splash": None,
            "banner": None,
            "description": None,
            "preferred_locale": "en-US",
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "system_channel_flags": 0,
            "afk_timeout": 300,
            "joined_at": None,
        }


@dataclass
class Attachment:
    """A file uploaded with a message, kept as sent."""

    id: int
    channel_id: int
    filename: str
    content_type: str
    data: bytes = field(repr=False)
    description: str | None = None

    def payload(self, origin: str) -> dict[str, Any]:
        url = f"{origin}/attachments/{self.channel_id}/{self.id}/{self.filename}"
        payload: dict[str, Any] = {
            "id": str(self.id),
            "filename": self.filename,
            "size": len(self.data),
            "url": url,
            "proxy_url": url,
            "content_type": self.content_type,
        }
        if self.description is not None:
            payload["description"] = self.description
        return payload


@dataclass
class Message:
    """A message as members see it; `visible_to` marks an ephemeral reply to one member."""

    id: int
    channel_id: int
    guild_id: int
    author: User
    body: dict[str, Any]
    created_at: datetime
    visible_to: int | None = None
    interaction_id: int | None = None
    edited_at: datetime | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    deleted: bool = False

    @property
    def content(self) -> str:
        content: str = self.body.get("content") or ""
        return content

    @property
    def embeds(self) -> list[dict[str, Any]]:
        embeds: list[dict[str, Any]] = self.body.get("embeds") or []
        return embeds

    @property
    def components(self) -> list[dict[str, Any]]:
        components: list[dict[str, Any]] = self.body.get("components") or []
        return components

    @property
    def flags(self) -> int:
        flags: int = self.body.get("flags") or 0
        return flags

    @property
    def ephemeral(self) -> bool:
        return self.visible_to is not None

    @property
    def loading(self) -> bool:
        return bool(self.flags & LOADING)

    def buttons(self) -> dict[str, dict[str, Any]]:
        """Every button with a custom_id, by custom_id, from all rows."""
        found: dict[str, dict[str, Any]] = {}
        pending = list(self.components)
        while pending:
            component = pending.pop(0)
            pending.extend(component.get("components") or [])
            if component.get("type") == 2 and component.get("custom_id"):
                found[component["custom_id"]] = component
        return found

    def edit(self, changes: dict[str, Any], moment: datetime) -> None:
        self.history.append(copy.deepcopy(self.body))
        self.body = {**self.body, **changes}
        self.edited_at = moment

    def payload(self) -> dict[str, Any]:
        payload = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "guild_id": str(self.guild_id),
            "author": self.author.payload(),
            "content": self.content,
            "timestamp": timestamp(self.created_at),
            "edited_timestamp": timestamp(self.edited_at) if self.edited_at else None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": self.body.get("attachments") or [],
            "embeds": self.embeds,
            "components": self.components,
            "pinned": False,
            "type": 0,
            "flags": self.flags | (EPHEMERAL if self.ephemeral else 0),
        }
        if self.interaction_id is not None:
            payload["application_id"] = str(self.author.id)
            payload["webhook_id"] = str(self.author.id)
        return payload

    def __repr__(self) -> str:
        kind = f"ephemeral to {self.visible_to}" if self.visible_to else f"in {self.channel_id}"
        return f"<Message {self.id} {kind}: {self.content[:60]!r}, buttons={list(self.buttons())}>"
