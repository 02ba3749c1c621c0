"""An append-only record that tests and drivers wait on: requests, message changes, sessions.

Waiting checks what is already recorded first, so nothing that happened before the wait is
missed, and never sleeps: a waiter is woken by the append that satisfies it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Feed(Generic[T]):
    def __init__(self, what: str) -> None:
        self.what = what
        self.items: list[T] = []
        self._waiters: list[tuple[Callable[[T], bool], asyncio.Future[T]]] = []

    def __len__(self) -> int:
        return len(self.items)

    def append(self, item: T) -> None:
        self.items.append(item)
        still_waiting = []
        for predicate, future in self._waiters:
            if future.done():
                continue
            if predicate(item):
                future.set_result(item)
            else:
                still_waiting.append((predicate, future))
        self._waiters = still_waiting

    async def wait_for(
        self, predicate: Callable[[T], bool], *, within: float = 5.0, after: int = 0
    ) -> T:
        """The first item from index `after` on that matches, waiting for it if need be."""
        for item in self.items[after:]:
            if predicate(item):
                return item
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._waiters.append((predicate, future))
        try:
            return await asyncio.wait_for(future, within)
        except TimeoutError:
            recent = "\n  ".join(repr(item) for item in self.items[max(after, len(self) - 5) :])
            raise TimeoutError(
                f"no matching {self.what} within {within} s; the last ones:\n  {recent or '-'}"
            ) from None
