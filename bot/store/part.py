"""What each part of the store (the learner log, quizzes, servers, names, /test runs, review
cards) is given: the store's one writer and its reads, with shorthands for a read and for a
write of one statement."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol, TypeVar

from bot.store.run import Result, Row, Statement, Tx

T = TypeVar("T")
Read = Callable[[Statement, Mapping[str, Any]], Awaitable[Result]]


class Write(Protocol):
    """The store's writer: runs a job in its next batch, returns once that is committed."""

    def __call__(self, job: Callable[[Tx], Awaitable[T]], /) -> Awaitable[T]: ...


class Part:
    def __init__(self, write: Write, read: Read) -> None:
        self._write = write
        self._read = read

    async def _rows(self, statement: Statement, **values: Any) -> list[Row]:
        return (await self._read(statement, values)).rows

    async def _row(self, statement: Statement, **values: Any) -> Row | None:
        return (await self._read(statement, values)).one()

    async def _change(self, statement: Statement, **values: Any) -> int:
        """One statement as one write job; how many rows it changed."""

        async def change(tx: Tx) -> int:
            return (await tx.execute(statement, values)).rowcount

        return await self._write(change)
