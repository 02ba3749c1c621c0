"""What the store keeps per server: settings, moderators' actions, reports, and forgetting.

The records of `Store.servers` (its Protocol is ServerData in protocol.py); the
statements are in server_data.py.
Every moderator write takes the `Audit` entry that records it, kept in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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
