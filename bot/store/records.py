"""Every record the store hands back, by part: posts and answers, daily quizzes, /test runs,
servers, review cards. Frozen dataclasses; times are aware datetimes (UTC)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, time
from enum import StrEnum
from functools import cache
from typing import Any, NamedTuple, TypeVar, cast

from exercises.model import Difficulty
from exercises.progress import PostContext

R = TypeVar("R")


def from_row(kind: type[R], row: dict[str, Any], **converted: Any) -> R:
    """A record from a row whose columns are named as its fields (other columns ignored);
    `converted` gives the fields a row does not hold as they are (an enum, a date)."""
    names = _fields(cast(type, kind))
    return kind(**{name: row[name] for name in names if name in row} | converted)


@cache  # on the click path: a post and a member's standing are read from rows per click
def _fields(kind: type) -> tuple[str, ...]:
    return tuple(field.name for field in fields(kind))


# Posts, attempts and hints


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
    option_order: int | None = None  # exercises.shown_order's marker; None: the file's order
    earns_points: bool = True  # False: a /review post, where every answer earns nothing


def post_from_row(row: dict[str, Any]) -> Post:
    difficulty, context = Difficulty(row["difficulty"]), PostContext(row["context"])
    earns = bool(row["earns_points"])
    return from_row(Post, row, difficulty=difficulty, context=context, earns_points=earns)


@dataclass(frozen=True, slots=True)
class ClickedPost:
    post: Post
    closed_at: datetime | None  # when a moderator closed it; None while open
    quiz_closed: bool  # its daily quiz has closed (answers no longer count)


def clicked_post_from_row(row: dict[str, Any]) -> ClickedPost:
    """From a row of the post's columns with `closed_at` and `quiz_closed` (POST_FOR_CLICK)."""
    return ClickedPost(post_from_row(row), row["closed_at"], bool(row["quiz_closed"]))


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
    hints_used: int = 0
    """Hints the member had taken on this post when the attempt was decided."""


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


class OptionPick(NamedTuple):
    """How often one option was chosen for one blank of a post."""

    blank: int  # 0-based; multiple choice has only blank 0
    option: str  # "A".."D"
    picks: int
    share: float  # picks / answers counted on the post, 0.0..1.0


# Daily quizzes


class DeliveryStatus(StrEnum):
    CLAIMED = "claimed"  # being posted (or its poster crashed)
    POSTED = "posted"
    SKIPPED = "skipped"  # missed while the bot was down, outside the grace window
    FAILED = "failed"  # the channel is gone or the bot may not post there
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Schedule:
    schedule_id: int
    guild_id: int
    channel_id: int
    local_time: time
    time_zone: str
    pack: str | None
    difficulty: Difficulty | None
    question_count: int
    created_by: int
    created_at: datetime
    active_since: datetime
    paused_at: datetime | None
    pause_reason: str | None
    last_error: str | None
    most_missed: int = 0
    """How many of the day's questions are the exercises the server missed most."""

    @property
    def paused(self) -> bool:
        return self.paused_at is not None


def schedule_from_row(row: dict[str, Any]) -> Schedule:
    return from_row(
        Schedule,
        row,
        local_time=time.fromisoformat(row["local_time"]),
        difficulty=Difficulty(row["difficulty"]) if row["difficulty"] else None,
        active_since=row["active_since"] or row["created_at"],
    )


@dataclass(frozen=True, slots=True)
class Question:
    """One exercise of a delivery, as it is recorded when the delivery is claimed."""

    exercise_id: str
    content_hash: str
    difficulty: Difficulty
    attempt_limit: int


@dataclass(frozen=True, slots=True)
class DeliveryPost:
    position: int
    post_id: int
    exercise_id: str
    message_id: int | None
    option_order: int | None = None  # exercises.shown_order's marker; None: the file's order


@dataclass(frozen=True, slots=True)
class Delivery:
    delivery_id: int
    schedule_id: int
    local_date: date
    due_at: datetime
    status: DeliveryStatus
    claimed_by: str
    lease_until: datetime
    note: str | None
    failures: int
    posts: tuple[DeliveryPost, ...]


def delivery_from_rows(row: dict[str, Any], posts: list[dict[str, Any]]) -> Delivery:
    return from_row(
        Delivery,
        row,
        local_date=date.fromisoformat(row["local_date"]),
        status=DeliveryStatus(row["status"]),
        lease_until=row["lease_until"] or row["due_at"],  # a skipped day has no lease
        posts=tuple(from_row(DeliveryPost, post) for post in posts),
    )


# /test runs


@dataclass(frozen=True, slots=True)
class RunQuestion:
    position: int
    exercise_id: str
    content_hash: str
    difficulty: Difficulty
    answer: str | None
    correct: bool | None


@dataclass(frozen=True, slots=True)
class PatternTestRun:
    run_id: int
    guild_id: int
    member_id: int
    pack: str | None
    position: int  # the next question; equal to len(questions) once finished
    finished_at: datetime | None
    questions: tuple[RunQuestion, ...]

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


# Servers: settings, moderators' actions, reports, forgetting

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
    """One moderator action: who, what (a short verb) and on what, and when. Every
    moderator's write takes the Audit that records it, kept in the same transaction."""

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


# Spaced review


@dataclass(frozen=True, slots=True)
class CardState:
    """What FSRS needs of a card between reviews, and how often it was reviewed and missed."""

    state: int  # fsrs.State: 1 learning, 2 review, 3 relearning
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reviews: int
    misses: int


@dataclass(frozen=True, slots=True)
class ReviewCard:
    card_id: int
    exercise_id: str
    card: CardState
