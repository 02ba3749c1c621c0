"""Records from rows: a row is a dict of column name to value, its times already aware
datetimes (bot.store.tables.Time)."""

from __future__ import annotations

from typing import Any

from bot.store.protocol import Post
from exercises.model import Difficulty
from exercises.progress import PostContext


def post_from_row(row: dict[str, Any]) -> Post:
    return Post(
        post_id=row["post_id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        exercise_id=row["exercise_id"],
        content_hash=row["content_hash"],
        difficulty=Difficulty(row["difficulty"]),
        context=PostContext(row["context"]),
        attempt_limit=row["attempt_limit"],
        posted_at=row["posted_at"],
        option_order=row["option_order"],
        earns_points=bool(row["earns_points"]),
    )
