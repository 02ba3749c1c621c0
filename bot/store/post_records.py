"""The learner store's records: posts, attempts and hints, and the tallies read of them
(progress, counters, stats, leaderboards, option picks). bot.store.protocol re-exports them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from exercises.model import Difficulty
from exercises.progress import PostContext


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
