"""The learner store, one implementation for SQLite and PostgreSQL: `await TutorStore.open(
location)`, then close(). Its parts are attributes (quizzes, servers, guilds, pattern_tests,
review_cards), each a module of its own; posts, hints and slash command syncs are here, the
learner log's reads in log_reads.py and items.py, recording an attempt in attempts.py.

No Discord here, and nothing from the rest of the bot: the time a write takes reaches the
bot's metrics through `on_write`, a hook it is given.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TypeVar

import sqlalchemy as sa

from bot.store import attempts as recording
from bot.store.database import Database, open_database
from bot.store.errors import UnknownPost
from bot.store.items import ItemReads
from bot.store.location import Location
from bot.store.log_reads import LogReads
from bot.store.names import MemberNames
from bot.store.pattern_tests import TestRuns
from bot.store.quizzes import Quizzes
from bot.store.records import (
    AttemptResult,
    ClickedPost,
    HintUse,
    Post,
    clicked_post_from_row,
    post_from_row,
)
from bot.store.review_cards import ReviewCards
from bot.store.run import Tx, insert_or_ignore, insert_or_update, insert_values
from bot.store.server_data import Servers
from bot.store.tables import (
    POST,
    Id,
    command_syncs,
    hints,
    posts,
)
from bot.store.writer import BeforeCommit, WriteJob
from exercises.model import Difficulty
from exercises.progress import PostContext, require_aware
from exercises.shown_order import BY_POST

T = TypeVar("T")
_GLOBAL = 0  # the scope of the global slash commands in command_syncs
WriteTimer = Callable[[float], None]
"""Told how long each write took, in seconds (the bot's metrics)."""

GET_POST = sa.select(posts).where(posts.c.post_id == POST)
INSERT_POST = insert_values(
    posts, "guild_id", "channel_id", "message_id", "exercise_id", "content_hash",
    "difficulty", "context", "attempt_limit", "posted_at", "option_order", "earns_points",
).returning(*posts.columns)  # fmt: skip
SET_POST_MESSAGE = (
    sa.update(posts)
    .where(posts.c.post_id == POST)
    .values(message_id=sa.bindparam("message"))
    .returning(*posts.columns)
)


INSERT_HINT = insert_or_ignore(hints, "post_id", "member_id", "hint_number", "used_at")
HINTS_USED = sa.select(sa.func.count()).where(
    hints.c.post_id == POST, hints.c.member_id == sa.bindparam("member", type_=Id)
)
SYNCED_COMMANDS = sa.select(command_syncs.c.tree_hash).where(
    command_syncs.c.scope == sa.bindparam("scope", type_=Id)
)
RECORD_COMMAND_SYNC = insert_or_update(command_syncs, ["scope"], "tree_hash", "synced_at")
HEALTH_PROBE = sa.text("UPDATE alembic_version SET version_num = version_num")
"""A real write that commits, whose row always exists."""


class TutorStore(LogReads, ItemReads):
    """Everything the bot remembers, on either database. Times are aware datetimes."""

    def __init__(self, database: Database, on_write: WriteTimer | None = None) -> None:
        super().__init__(self._timed_write, database.read)
        self.database = database
        self._on_write = on_write
        self.quizzes = Quizzes(self._timed_write, database.read)
        self.guilds = MemberNames(self._timed_write, database.read)
        """Members' display names, as they last showed them to the bot."""
        self.pattern_tests = TestRuns(self._timed_write, database.read)
        self.servers = Servers(self._timed_write, database.read)
        self.review_cards = ReviewCards(self._timed_write, database.read)

    def __repr__(self) -> str:
        return f"TutorStore({self.database.location})"  # a URL without its password

    @classmethod
    async def open(
        cls,
        location: Location | str,
        *,
        on_write: WriteTimer | None = None,
        before_commit: BeforeCommit | None = None,
        pool_size: int = 10,
    ) -> TutorStore:
        """Open (creating or upgrading as needed) the store at `location`. Raises
        DatabaseUnusable naming the file, or the URL without its password, and what to do,
        and leaves the database as it was. `before_commit` is for tests only."""
        location = Path(location) if isinstance(location, str) else location
        database = await open_database(location, before_commit=before_commit, pool_size=pool_size)
        return cls(database, on_write)

    async def close(self) -> None:
        """Finish the writes already accepted, then release the database."""
        await self.database.close()

    async def __aenter__(self) -> TutorStore:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def _timed_write(self, job: WriteJob[T]) -> T:
        started = time.monotonic()
        try:
            return await self.database.write(job)
        finally:
            if self._on_write is not None:
                self._on_write(time.monotonic() - started)

    async def check_writable(self) -> None:
        """A real write, committed: raises if the database cannot store writes now."""
        await self._change(HEALTH_PROBE)

    # Posts

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
    ) -> Post:
        if attempt_limit < 1:
            raise ValueError(f"a post allows at least one attempt, got {attempt_limit}")
        values = {
            "guild_id": guild_id,
            "channel_id": channel_id,
            "message_id": message_id,
            "exercise_id": exercise_id,
            "content_hash": content_hash,
            "difficulty": Difficulty(difficulty).value,
            "context": PostContext(context).value,
            "attempt_limit": attempt_limit,
            "posted_at": require_aware(posted_at, "posted_at"),
            "option_order": option_order,
            "earns_points": int(earns_points),
        }

        async def insert(tx: Tx) -> Post:
            return post_from_row((await tx.execute(INSERT_POST, values)).rows[0])

        return await self._write(insert)

    async def set_post_message(self, post_id: int, message_id: int) -> Post:
        async def update(tx: Tx) -> Post:
            row = await tx.execute(SET_POST_MESSAGE, {"post": post_id, "message": message_id})
            if not row.rows:
                raise UnknownPost(post_id)
            return post_from_row(row.rows[0])

        return await self._write(update)

    async def get_post(self, post_id: int) -> Post | None:
        row = await self._row(GET_POST, post=post_id)
        return post_from_row(row) if row is not None else None

    async def post_for_click(self, post_id: int) -> ClickedPost | None:
        row = (await self.database.lookup(recording.POST_FOR_CLICK, {"post": post_id})).one()
        return clicked_post_from_row(row) if row is not None else None

    # Attempts and hints

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
        return await self.record_answer(
            post_id=post_id,
            member_id=member_id,
            interaction_id=interaction_id,
            answered_at=answered_at,
            decide=lambda _: (answer, correct),
        )

    async def record_answer(
        self,
        *,
        post_id: int,
        member_id: int,
        interaction_id: int,
        answered_at: datetime,
        decide: recording.Decide,
    ) -> AttemptResult:
        """A click's answer, read, decided and recorded in one write job: `decide` sees the
        post as the transaction reads it (closed or not) and gives the answer and whether it
        is correct, or raises to refuse the click (UnknownPost: there is no such post)."""
        require_aware(answered_at, "answered_at")
        given = recording.Answer(post_id, member_id, interaction_id, answered_at, decide)
        return await self._write(recording.record(given))

    async def use_hint(
        self, *, post_id: int, member_id: int, hint_number: int, used_at: datetime
    ) -> HintUse:
        if hint_number < 1:
            raise ValueError(f"hints are numbered from 1, got {hint_number}")
        values = {
            "post_id": post_id,
            "member_id": member_id,
            "hint_number": hint_number,
            "used_at": require_aware(used_at, "used_at"),
        }

        async def take(tx: Tx) -> HintUse:
            if (await tx.execute(GET_POST, {"post": post_id})).one() is None:
                raise UnknownPost(post_id)
            newly_used = (await tx.execute(INSERT_HINT, values)).rowcount == 1
            used = (await tx.execute(HINTS_USED, {"post": post_id, "member": member_id})).scalar()
            return HintUse(hint_number, newly_used, int(used))

        return await self._write(take)

    # Slash commands

    async def synced_commands(self, *, guild_id: int | None) -> str | None:
        row = await self._row(SYNCED_COMMANDS, scope=guild_id or _GLOBAL)
        return str(row["tree_hash"]) if row is not None else None

    async def record_commands_synced(
        self, *, guild_id: int | None, tree_hash: str, synced_at: datetime
    ) -> None:
        at = require_aware(synced_at, "synced_at")
        await self._change(
            RECORD_COMMAND_SYNC, scope=guild_id or _GLOBAL, tree_hash=tree_hash, synced_at=at
        )
