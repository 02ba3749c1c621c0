"""Recording attempts on PostgreSQL a batch at a time: every "record an attempt" waiting at
that moment is decided by one SELECT and stored by one INSERT, whatever the batch's size.

Recording an attempt used to cost seven round trips here (BEGIN, a snapshot, three reads,
an INSERT, COMMIT); a batch now costs two, shared by every click in it. The rules hold as
before:

- No caller hears back before its attempt is committed: the INSERT is one statement in a
  transaction of its own (autocommit), committed before its result comes back, and
  callers are told only once it has. It is all of the batch or none of it.
- Exactly once, and the attempt limit, across processes: the INSERT turns away (ON CONFLICT
  DO NOTHING) an attempt whose interaction is already stored or whose number another
  transaction took; that attempt is decided again in the next batch, from a fresh read.
- One job's failure never undoes another's: a job refused by the checks (an unknown post)
  fails alone; if the batch's INSERT fails, nothing of it was stored, and each of its
  attempts is stored again in a transaction of its own, so only the faulty one fails.
- Two attempts of one member on one post (or of one interaction) never share a batch: the
  later one waits for the next, and sees the earlier one stored.

Nothing is cached: each batch reads after every caller in it asked.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool

from bot.store import attempt_rules as rules
from bot.store import pg_queries as sql
from bot.store.errors import StoreClosed, UnknownPost
from bot.store.protocol import Attempt, AttemptResult
from bot.store.rows import attempt_from_row, from_db

log = logging.getLogger(__name__)

Connection = psycopg.AsyncConnection[dict[str, Any]]
BeforeAnswering = Callable[[Connection], Awaitable[None]]

ATTEMPTS_PER_BATCH = 512
"""Attempts per batch at most: a burst is stored in a few batches, each answered at once."""

RACES_BEFORE_GIVING_UP = 100  # each lost race means another answer was stored


@dataclass(frozen=True, slots=True)
class AttemptRequest:
    post_id: int
    member_id: int
    interaction_id: int
    answer: str
    correct: bool
    answered_at: datetime


@dataclass(slots=True)
class _Waiting:
    request: AttemptRequest
    done: asyncio.Future[AttemptResult]
    races: int = 0


@dataclass(slots=True)
class _Insert:
    waiting: _Waiting
    number: int
    points: int
    standing: rules.Standing

    @property
    def request(self) -> AttemptRequest:
        return self.waiting.request


@dataclass(slots=True)
class _Decided:
    inserts: list[_Insert] = field(default_factory=list)
    results: list[tuple[_Waiting, AttemptResult | BaseException]] = field(default_factory=list)


async def read_standing(db: Connection, post_id: int, member_id: int) -> rules.Standing:
    cursor = await db.execute(sql.PG_STANDING, {"post": post_id, "member": member_id})
    return rules.standing_from(await cursor.fetchone(), post_id)


class AttemptBatches:
    """Records attempts for one store: one batch at a time, on a pooled connection."""

    def __init__(
        self,
        pool: AsyncConnectionPool[Connection],
        *,
        before_answering: BeforeAnswering | None = None,
    ) -> None:
        """`before_answering(connection)` is for tests only: it runs after a batch's
        INSERT has returned (committed), before any of its callers is told."""
        self._pool = pool
        self._before_answering = before_answering
        self._waiting: deque[_Waiting] = deque()
        self._draining: asyncio.Task[None] | None = None
        self._closed = False

    async def record(self, request: AttemptRequest) -> AttemptResult:
        """Decide and store `request` in the next batch; its result once committed.

        A caller that stops waiting does not cancel the write (an answered click is a
        fact): its attempt stays in line, and stop() waits for it."""
        if self._closed:
            raise StoreClosed()
        done: asyncio.Future[AttemptResult] = asyncio.get_running_loop().create_future()
        self._waiting.append(_Waiting(request, done))
        if self._draining is None:
            self._draining = asyncio.create_task(self._drain(), name="store-attempts")
        return await done

    async def stop(self) -> None:
        """Refuse new attempts; return once every accepted one is decided."""
        self._closed = True
        if self._draining is not None:
            await asyncio.gather(self._draining, return_exceptions=True)

    async def _drain(self) -> None:
        try:
            while self._waiting:
                batch = self._next_batch()
                try:
                    await self._run(batch)
                except psycopg.errors.TransactionRollback:  # a deadlock or serialization
                    for waiting in reversed(batch):  # failure: nothing stored, try again
                        self._lost_a_race(waiting)
                except psycopg.DatabaseError as error:
                    if isinstance(error, psycopg.OperationalError) or len(batch) == 1:
                        _fail(batch, error)  # the database itself: each would fail alike
                    else:  # one attempt's row, perhaps: each alone, the faulty one fails
                        await self._one_by_one(batch, error)
                except Exception as error:
                    _fail(batch, error)
        finally:
            self._draining = None
            while self._waiting:  # reached only if this task itself was cancelled
                left = self._waiting.popleft()
                if not left.done.done():
                    left.done.set_exception(StoreClosed())

    def _next_batch(self) -> list[_Waiting]:
        """The waiting attempts, in order, but at most one per member and post and one per
        interaction; the others stay first in line for the next batch."""
        batch: list[_Waiting] = []
        later: list[_Waiting] = []
        taken: set[tuple[int, int]] = set()
        interactions: set[int] = set()
        while self._waiting and len(batch) < ATTEMPTS_PER_BATCH:
            waiting = self._waiting.popleft()
            request = waiting.request
            pair = (request.post_id, request.member_id)
            if pair in taken or request.interaction_id in interactions:
                later.append(waiting)
                continue
            taken.add(pair)
            interactions.add(request.interaction_id)
            batch.append(waiting)
        self._waiting.extendleft(reversed(later))
        return batch

    async def _one_by_one(self, batch: list[_Waiting], error: Exception) -> None:
        log.warning("a batch of %d attempts failed (%s); storing each alone", len(batch), error)
        for waiting in batch:
            try:
                await self._run([waiting])
            except psycopg.errors.TransactionRollback:
                self._lost_a_race(waiting)
            except Exception as alone:
                _settle(waiting, alone)

    async def _run(self, batch: list[_Waiting]) -> None:
        """Decide and store `batch`: one read, one INSERT with its COMMIT. Raises only if
        nothing of it was stored."""
        async with self._pool.connection() as db:
            decided = await _decide(db, batch)
            stored: dict[int, int] = {}
            if decided.inserts:
                stored = await self._insert(db, decided.inserts)
        for waiting, result in decided.results:
            _settle(waiting, result)
        lost = []
        for insert in decided.inserts:
            attempt_id = stored.get(insert.request.interaction_id)
            if attempt_id is not None:
                _settle(insert.waiting, _recorded(insert, attempt_id))
            else:
                lost.append(insert.waiting)
        for waiting in reversed(lost):  # first in line again, in their order
            self._lost_a_race(waiting)

    async def _insert(self, db: Connection, inserts: list[_Insert]) -> dict[int, int]:
        """interaction id -> attempt id, for the attempts stored (and committed)."""
        inserts.sort(key=lambda each: (each.request.post_id, each.request.member_id))
        requests = [insert.request for insert in inserts]
        values = {
            "posts": [r.post_id for r in requests],
            "members": [r.member_id for r in requests],
            "interactions": [r.interaction_id for r in requests],
            "numbers": [insert.number for insert in inserts],
            "answers": [r.answer for r in requests],
            "correct": [int(r.correct) for r in requests],
            "points": [insert.points for insert in inserts],
            "at": [r.answered_at for r in requests],
        }
        # One statement, one round trip: PostgreSQL commits it (at the protocol's Sync)
        # before it sends the result, and psycopg returns only once it has all of it.
        cursor = await db.execute(sql.INSERT_ATTEMPTS, values)
        rows = await cursor.fetchall()
        if self._before_answering is not None:
            await self._before_answering(db)
        return {row["interaction_id"]: row["attempt_id"] for row in rows}

    def _lost_a_race(self, waiting: _Waiting) -> None:
        """Another transaction stored an attempt this one needed: decide again, next batch."""
        waiting.races += 1
        if waiting.races >= RACES_BEFORE_GIVING_UP:
            _settle(waiting, RuntimeError("gave up after losing every race; too busy"))
            return
        self._waiting.appendleft(waiting)


async def _decide(db: Connection, batch: list[_Waiting]) -> _Decided:
    """Read every check for `batch` in one statement; decide each attempt from its row."""
    requests = [waiting.request for waiting in batch]
    values = {
        "posts": [r.post_id for r in requests],
        "members": [r.member_id for r in requests],
        "interactions": [r.interaction_id for r in requests],
        "answers": [r.answer for r in requests],
    }
    cursor = await db.execute(sql.RECORD_CHECKS_BATCH, values)
    rows = await cursor.fetchall()
    decided = _Decided()
    for waiting, row in zip(batch, rows, strict=True):
        try:
            outcome = await _decide_one(db, waiting, row)
        except UnknownPost as error:
            decided.results.append((waiting, error))
            continue
        if isinstance(outcome, _Insert):
            decided.inserts.append(outcome)
        else:
            decided.results.append((waiting, outcome))
    return decided


async def _decide_one(
    db: Connection, waiting: _Waiting, row: dict[str, Any]
) -> AttemptResult | _Insert:
    request = waiting.request
    if not row["post_found"]:
        raise UnknownPost(request.post_id)
    standing = rules.standing_from(row, request.post_id)
    if row["r_attempt_id"] is not None:  # this interaction was recorded before
        before = attempt_from_row(_prefixed(row, "r_"))
        if (before.post_id, before.member_id) != (request.post_id, request.member_id):
            standing = await read_standing(db, before.post_id, before.member_id)
        return rules.already_recorded(before, standing)
    same = row["s_attempt_id"]
    repeated = None if same is None else lambda: attempt_from_row(_prefixed(row, "s_"))
    new = rules.decide(standing, correct=request.correct, repeated=repeated)
    if isinstance(new, AttemptResult):
        return new
    return _Insert(waiting, new.number, new.points, standing)


def _recorded(insert: _Insert, attempt_id: int) -> AttemptResult:
    request, standing = insert.waiting.request, insert.standing
    attempt = Attempt(
        attempt_id,
        request.post_id,
        request.member_id,
        request.interaction_id,
        insert.number,
        request.answer,
        request.correct,
        insert.points,
        from_db(request.answered_at),
    )
    return rules.recorded(attempt, standing)


def _prefixed(row: dict[str, Any], prefix: str) -> dict[str, Any]:
    return {key[len(prefix) :]: value for key, value in row.items() if key.startswith(prefix)}


def _settle(waiting: _Waiting, outcome: AttemptResult | BaseException) -> None:
    if waiting.done.done():
        return
    if isinstance(outcome, BaseException):
        waiting.done.set_exception(outcome)
    else:
        waiting.done.set_result(outcome)


def _fail(batch: list[_Waiting], error: BaseException) -> None:
    for waiting in batch:
        _settle(waiting, error)
