"""The learner store as the rest of the bot sees it: a typed Protocol and its records.

Speaks the domain's language (posts, attempts, hints, leaderboards), never SQL; every
implementation must pass tests/bot/store/test_contract.py, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple, Protocol

from exercises.model import Difficulty
from exercises.progress import Period, PostContext, Streak

if TYPE_CHECKING:
    from bot.store.names import MemberNames
    from bot.store.pattern_tests import TestRuns
    from bot.store.quizzes import Quizzes
    from bot.store.servers import ServerData


@dataclass(frozen=True, slots=True)
class Post:
    """An exercise posted in a channel; members answer it through its buttons."""

    post_id: int
    guild_id: int
    channel_id: int
    message_id: int | None  # None until the Discord message has been sent
    exercise_id: str
    content_hash: str
    difficulty: Difficulty
    context: PostContext
    attempt_limit: int
    posted_at: datetime


@dataclass(frozen=True, slots=True)
class Attempt:
    """One submitted answer: letters, one per blank ("ABD"; multiple choice is one letter)."""

    attempt_id: int
    post_id: int
    member_id: int
    interaction_id: int
    attempt_number: int
    answer: str
    correct: bool
    points: int
    answered_at: datetime


class AttemptOutcome(StrEnum):
    RECORDED = "recorded"
    """The answer was recorded now."""
    ALREADY_RECORDED = "already-recorded"
    """This interaction was recorded before (a retried click); nothing new was recorded."""
    NO_ATTEMPTS_LEFT = "no-attempts-left"
    """The member has used every attempt on this post; nothing was recorded."""
    ALREADY_SOLVED = "already-solved"
    """The member has solved this post already; nothing was recorded."""
    REPEATED_ANSWER = "repeated-answer"
    """The member gave this same answer before (a double click); it costs no new attempt."""


@dataclass(frozen=True, slots=True)
class AttemptResult:
    outcome: AttemptOutcome
    attempt: Attempt | None  # recorded now or originally; None when refused
    attempts_left: int  # for this member on this post, after this call
    solution_seen_before: bool = False
    """The member saw this exercise's solution on another post of the server (solved it or
    used every attempt there): this post is practice for them and earns no points."""
    forgotten_since_posted: bool = False
    """The member used /forget-me after this post was made: it earns them no points."""

    @property
    def recorded_now(self) -> bool:
        return self.outcome is AttemptOutcome.RECORDED


@dataclass(frozen=True, slots=True)
class HintUse:
    hint_number: int
    newly_used: bool  # False when the member had already taken this hint (it costs once)
    hints_used: int  # how many different hints the member has taken on this post


@dataclass(frozen=True, slots=True)
class PostProgress:
    """Where one member stands on one post."""

    attempts_used: int
    attempts_left: int
    hints_used: int
    solved: bool
    points: int


class PostCounters(NamedTuple):
    """The public counters under a post (a tuple, so `answered, solved = ...` reads well)."""

    answered: int  # members who answered at least once
    solved: int  # members who answered correctly


@dataclass(frozen=True, slots=True)
class PackStats:
    """One member's answers in one guild on one pack's exercises."""

    pack_id: str
    attempts: int
    correct: int
    points: int
    solved: int  # different exercises solved; solving one again in a new post counts once


@dataclass(frozen=True, slots=True)
class MemberStats:
    """One member's answers in one guild, overall and per pack (packs sorted by id)."""

    attempts: int
    correct: int
    points: int
    solved: int
    packs: tuple[PackStats, ...]


@dataclass(frozen=True, slots=True)
class LeaderboardEntry:
    rank: int  # 1 for the top; ties on points go to whoever reached them first
    member_id: int
    points: int
    solves: int  # correct answers in the period, including ones that earned no points
    display_name: str | None = None  # as the member last showed it to the bot; None if never


@dataclass(frozen=True, slots=True)
class OptionPick:
    """How often one option was chosen for one blank of a post."""

    blank: int  # 0-based; multiple choice has only blank 0
    option: str  # "A".."D"
    picks: int
    share: float  # picks / answers counted on the post, 0.0..1.0


@dataclass(frozen=True, slots=True)
class ClickedPost:
    post: Post
    closed_at: datetime | None  # when a moderator closed it; None while open
    quiz_closed: bool  # its daily quiz has closed (answers no longer count)


class Store(Protocol):
    """Everything the bot remembers: learners, and the slash commands it last synced.

    Times are aware datetimes.
    """

    @property
    def servers(self) -> ServerData:
        """Per-server settings, moderators' actions, reports and forgetting."""
        ...

    quizzes: Quizzes
    """Daily quiz schedules and their deliveries (bot.store.quizzes)."""
    guilds: MemberNames
    """Members' display names, as they last showed them to the bot (bot.store.names)."""
    pattern_tests: TestRuns
    """/test runs and their answers (bot.store.pattern_tests)."""

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
