"""What the store keeps per server: settings, moderators' actions, reports, and forgetting.

The Protocol the bot sees (`Store.servers`) and its records; SQL lives in server_sqlite.py.
Every moderator write takes the `Audit` entry that records it, kept in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.store.protocol import Post

DEFAULT_TIME_ZONE = "UTC"
DEFAULT_FORGET_AFTER_DAYS = 30


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """A server's settings; a server that never set any has these defaults."""

    guild_id: int
    time_zone: str = DEFAULT_TIME_ZONE  # an IANA name, checked before it is saved
    moderator_role_id: int | None = None
    practice_channel_ids: frozenset[int] = frozenset()  # empty: anywhere the bot can post
    log_channel_id: int | None = None
    quiz_role_id: int | None = None
    forget_after_days: int = DEFAULT_FORGET_AFTER_DAYS  # after the bot is removed


@dataclass(frozen=True, slots=True)
class Audit:
    """One moderator action: who, what (a short verb) and on what, and when."""

    guild_id: int
    moderator_id: int
    action: str
    detail: str
    acted_at: datetime


@dataclass(frozen=True, slots=True)
class ReportSummary:
    """Reports on one version of one exercise in one server, newest reason first."""

    exercise_id: str
    content_hash: str
    count: int
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReportAdded:
    """What one report did. `kept` is False when the member had already sent `budget` new
    reports since `since` (nothing was written); `new` is False when the member had already
    reported this version (its reason was replaced); `count`: members who reported this
    version; `earlier_on_exercise`: reports on the exercise (any version) since `since`,
    before this one."""

    kept: bool
    new: bool
    count: int
    earlier_on_exercise: int


@dataclass(frozen=True, slots=True)
class Forgotten:
    """What /forget-me deleted for one member in one server."""

    attempts: int
    hints: int
    test_runs: int
    reports: int


class ServerData(Protocol):
    async def settings(self, guild_id: int) -> ServerSettings: ...

    async def save_settings(self, settings: ServerSettings, audit: Audit) -> ServerSettings: ...

    async def post_by_message(self, message_id: int) -> Post | None: ...

    async def reset_attempts(self, *, post_id: int, member_id: int, audit: Audit) -> int:
        """Delete one member's attempts and hints on one post; returns attempts deleted."""
        ...

    async def close_post(self, post_id: int, audit: Audit) -> bool:
        """False when it was closed already (nothing is recorded then)."""
        ...

    async def closed_at(self, post_id: int) -> datetime | None: ...

    async def set_exercise_disabled(
        self, *, guild_id: int, exercise_id: str, disabled: bool, audit: Audit
    ) -> bool:
        """False when it already was as asked (nothing is recorded then)."""
        ...

    async def disabled_exercises(self, guild_id: int) -> frozenset[str]: ...

    async def add_report(
        self,
        post: Post,
        *,
        member_id: int,
        reason: str,
        reported_at: datetime,
        since: datetime,
        budget: int,
    ) -> ReportAdded:
        """Store a member's report on the post's exercise version, once per member and
        version (a second one replaces the reason), and at most `budget` new ones per member
        since `since`; all in one transaction."""
        ...

    async def reports(self, guild_id: int) -> list[ReportSummary]:
        """Most reported first; every version of an exercise is listed on its own."""
        ...

    async def audit_log(self, guild_id: int, *, limit: int = 20) -> list[Audit]:
        """The most recent actions first."""
        ...

    async def forget_member(self, *, guild_id: int, member_id: int, now: datetime) -> Forgotten:
        """Delete the member's attempts, hints, test runs and reports in this server, and
        keep only their id and `now`, so that posts from before earn them no points."""
        ...

    async def servers_kept(self) -> frozenset[int]:
        """Every server the store holds data about and is not waiting to delete."""
        ...

    async def server_left(self, guild_id: int, now: datetime) -> None:
        """Start the grace period, unless it has started already."""
        ...

    async def server_returned(self, guild_id: int) -> bool:
        """Cancel a pending deletion; True when there was one."""
        ...

    async def delete_departed_servers(self, now: datetime) -> list[int]:
        """Delete every server's data whose grace period has passed; returns their ids."""
        ...
