"""The records of the quiz and /test tables, and reading quiz records from rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from exercises.model import Difficulty


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


def schedule_from_row(row: dict[str, Any]) -> Schedule:
    return Schedule(
        schedule_id=row["schedule_id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        local_time=time.fromisoformat(row["local_time"]),
        time_zone=row["time_zone"],
        pack=row["pack"],
        difficulty=Difficulty(row["difficulty"]) if row["difficulty"] else None,
        question_count=row["question_count"],
        created_by=row["created_by"],
        created_at=row["created_at"],
        active_since=row["active_since"] or row["created_at"],
        paused_at=row["paused_at"],
        pause_reason=row["pause_reason"],
        last_error=row["last_error"],
        most_missed=row["most_missed"],
    )


def delivery_from_rows(row: dict[str, Any], posts: list[dict[str, Any]]) -> Delivery:
    return Delivery(
        delivery_id=row["delivery_id"],
        schedule_id=row["schedule_id"],
        local_date=date.fromisoformat(row["local_date"]),
        due_at=row["due_at"],
        status=DeliveryStatus(row["status"]),
        claimed_by=row["claimed_by"],
        lease_until=row["lease_until"] or row["due_at"],  # a skipped day has no lease
        note=row["note"],
        failures=row["failures"],
        posts=tuple(
            DeliveryPost(
                p["position"], p["post_id"], p["exercise_id"], p["message_id"], p["option_order"]
            )
            for p in posts
        ),
    )
