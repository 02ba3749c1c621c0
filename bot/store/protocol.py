"""The learner store as the rest of the bot sees it: a typed Protocol (its records are in
bot.store.post_records, and re-exported here).

Speaks the domain's language (posts, attempts, hints, leaderboards), never SQL; every
implementation must pass tests/bot/store/test_contract.py, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, tzinfo
from typing import Any, Protocol

from bot.store.post_records import (
    Attempt,
    AttemptOutcome,
    AttemptResult,
    ClickedPost,
    HintUse,
    LeaderboardEntry,
    MemberStats,
    OptionPick,
    PackStats,
    Post,
    PostCounters,
    PostProgress,
)
from bot.store.records import Delivery, DeliveryStatus, PatternTestRun, Question, Schedule
from bot.store.review_cards import ReviewCards
from bot.store.servers import Audit, Forgotten, ReportAdded, ReportSummary, ServerSettings
from exercises.items import ItemStats
from exercises.model import Difficulty
from exercises.progress import Period, PostContext, Streak
from exercises.shown_order import BY_POST

__all__ = [
    "Attempt",
    "AttemptOutcome",
    "AttemptResult",
    "ClickedPost",
    "HintUse",
    "LeaderboardEntry",
    "MemberStats",
    "NameData",
    "OptionPick",
    "PackStats",
    "Post",
    "PostCounters",
    "PostProgress",
    "QuizData",
    "ServerData",
    "Store",
    "TestRunData",
]


class Store(Protocol):
    """Everything the bot remembers: learners, and the slash commands it last synced.

    Times are aware datetimes.
    """

    @property
    def servers(self) -> ServerData:
        """Per-server settings, moderators' actions, reports and forgetting."""
        ...

    @property
    def quizzes(self) -> QuizData:
        """Daily quiz schedules and their deliveries (bot.store.quizzes)."""
        ...

    @property
    def guilds(self) -> NameData:
        """Members' display names, as they last showed them to the bot (bot.store.names)."""
        ...

    @property
    def pattern_tests(self) -> TestRunData:
        """/test runs and their answers (bot.store.pattern_tests)."""
        ...

    @property
    def review_cards(self) -> ReviewCards:
        """Each member's spaced-review cards (bot.store.review_cards)."""
        ...

    async def create_post(
        self,
        *,
        guild_id: int,
        channel_id: int,
        exercise_id: str,
        content_hash: str,
        difficulty: Difficulty,
        context: PostContext,
        attempt_limit: int,
        posted_at: datetime,
        message_id: int | None = None,
        option_order: int | None = BY_POST,
        earns_points: bool = True,
    ) -> Post: ...

    async def set_post_message(self, post_id: int, message_id: int) -> Post:
        """Remember the Discord message that shows the post, once it has been sent."""
        ...

    async def get_post(self, post_id: int) -> Post | None: ...

    async def post_for_click(self, post_id: int) -> ClickedPost | None:
        """The post with what a click must know of it, in one read."""
        ...

    async def record_attempt(
        self,
        *,
        post_id: int,
        member_id: int,
        interaction_id: int,
        answer: str,
        correct: bool,
        answered_at: datetime,
    ) -> AttemptResult:
        """Record an answer if the member has attempts left, in one atomic step.

        Points follow exercises.progress. Raises UnknownPost for a post never recorded.
        """
        ...

    async def use_hint(
        self, *, post_id: int, member_id: int, hint_number: int, used_at: datetime
    ) -> HintUse:
        """Record that a member took a hint (1 is the first); taking it again is free."""
        ...

    async def answers_given(self, *, post_id: int, member_id: int) -> list[str]:
        """The member's answers on a post, in the order given (a repeated one once)."""
        ...

    async def progress_on_post(self, *, post_id: int, member_id: int) -> PostProgress: ...

    async def post_counters(self, post_id: int) -> PostCounters: ...

    async def member_stats(self, *, guild_id: int, member_id: int) -> MemberStats: ...

    async def leaderboard(
        self, *, guild_id: int, period: Period, now: datetime, tz: tzinfo, limit: int = 10
    ) -> list[LeaderboardEntry]:
        """Members by points earned since the period began in `tz`, best first."""
        ...

    async def pick_rates(
        self, post_id: int, *, first_answers_only: bool = False
    ) -> list[OptionPick]:
        """Options picked on a post, by blank then option; unpicked options are left out."""
        ...

    async def streak(self, *, guild_id: int, member_id: int, now: datetime, tz: tzinfo) -> Streak:
        """Consecutive days, in `tz`, on which the member answered something correctly."""
        ...

    async def item_stats(self, pack: str, *, guild_id: int | None = None) -> list[ItemStats]:
        """Every posted version of `pack`'s exercises with what members did with it: on one
        server, or on every server when `guild_id` is None."""
        ...

    async def synced_commands(self, *, guild_id: int | None) -> str | None:
        """The hash of the slash commands last synced to a server (None: the global ones),
        or None if they never were."""
        ...

    async def record_commands_synced(
        self, *, guild_id: int | None, tree_hash: str, synced_at: datetime
    ) -> None:
        """Remember what was just synced to a server (None: the global commands)."""
        ...

    async def close(self) -> None:
        """Finish the writes already accepted, then release the database."""
        ...


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


class NameData(Protocol):
    async def remember_name(
        self, guild_id: int, member_id: int, display_name: str, now: datetime
    ) -> None: ...
    async def display_name(self, guild_id: int, member_id: int) -> str | None: ...


class TestRunData(Protocol):
    async def start(
        self,
        *,
        guild_id: int,
        member_id: int,
        pack: str | None,
        questions: Sequence[tuple[str, str, Difficulty]],
        now: datetime,
    ) -> PatternTestRun: ...
    async def current(self, *, guild_id: int, member_id: int) -> PatternTestRun | None: ...
    async def run(self, run_id: int) -> PatternTestRun | None: ...
    async def answer(
        self, run_id: int, *, position: int, answer: str, correct: bool, now: datetime
    ) -> PatternTestRun | None: ...


class QuizData(Protocol):
    async def add_schedule(
        self,
        *,
        guild_id: int,
        channel_id: int,
        local_time: time,
        time_zone: str,
        pack: str | None,
        difficulty: Difficulty | None,
        question_count: int,
        created_by: int,
        now: datetime,
        most_missed: int = 0,
    ) -> Schedule: ...
    async def schedule(self, schedule_id: int) -> Schedule | None: ...
    async def schedules(self, guild_id: int | None = None) -> list[Schedule]: ...
    async def change_schedule(self, schedule_id: int, **changes: Any) -> Schedule | None: ...
    async def pause(
        self, schedule_id: int, *, reason: str, now: datetime, error: bool = False
    ) -> Schedule | None: ...
    async def resume(self, schedule_id: int, *, now: datetime) -> Schedule | None: ...
    async def remove(self, schedule_id: int, *, now: datetime) -> Schedule | None: ...
    async def last_posted_in_channel(
        self, channel_id: int, *, quizzes_only: bool = False
    ) -> dict[str, datetime]: ...
    async def claim(
        self,
        schedule: Schedule,
        *,
        local_date: date,
        due_at: datetime,
        questions: Sequence[Question],
        process: str,
        now: datetime,
        lease_until: datetime,
    ) -> Delivery | None: ...
    async def has_delivery(self, schedule_id: int, local_date: date) -> bool: ...
    async def skip(
        self, schedule: Schedule, *, local_date: date, due_at: datetime, note: str, now: datetime
    ) -> bool: ...
    async def stalled(self, now: datetime) -> list[Delivery]: ...
    async def take_over(
        self, delivery_id: int, *, process: str, now: datetime, lease_until: datetime
    ) -> Delivery | None: ...
    async def renew(self, delivery_id: int, *, process: str, lease_until: datetime) -> bool: ...
    async def back_off(self, delivery_id: int, *, process: str, retry_at: datetime) -> int: ...
    async def finish(
        self, delivery_id: int, status: DeliveryStatus, *, now: datetime, note: str | None = None
    ) -> None: ...
    async def set_post_message(self, post_id: int, message_id: int) -> None: ...
    async def posted(self) -> list[tuple[Delivery, Schedule]]: ...
    async def close(self, delivery_id: int, *, now: datetime) -> bool: ...
    async def is_closed(self, post_id: int) -> bool: ...
    async def set_summary_message(self, delivery_id: int, message_id: int) -> None: ...
    async def delivery(self, delivery_id: int) -> Delivery | None: ...
    async def deliveries(self, schedule_id: int) -> list[Delivery]: ...
    async def scorers(self, delivery_id: int) -> list[dict[str, Any]]: ...
    async def question_counts(self, post_id: int) -> tuple[int, int]: ...
    async def first_picks(self, post_id: int) -> list[tuple[int, str, int, float]]: ...
