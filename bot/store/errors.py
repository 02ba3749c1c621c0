"""What can go wrong with the learner store, as one tree of exceptions.

    StoreError
     ├── DatabaseUnusable            the file or database cannot serve as the store; at start
     │    ├── DatabaseNotWritable    the path cannot be opened or written, or no server answers
     │    ├── NotATutorDatabase      the file is not SQLite, or holds someone else's tables
     │    └── DatabaseFromNewerVersion
     ├── WritesFailing               the database itself fails writes (disk full, server gone)
     ├── UnknownPost                 a write names a post that was never recorded
     └── StoreClosed                 a write arrived after close()

Every DatabaseUnusable message names the path (or the URL, without its password) and what
to do; none is ever "fixed" by recreating or overwriting the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.store.location import PostgresUrl


class StoreError(Exception):
    """Base class of the store's errors."""


class DatabaseUnusable(StoreError):
    def __init__(self, path: Path | PostgresUrl, problem: str, what_to_do: str) -> None:
        self.path = path  # a PostgresUrl shows itself without its password
        super().__init__(f"cannot use the database at {path}: {problem}. {what_to_do}")


class DatabaseNotWritable(DatabaseUnusable):
    pass


class NotATutorDatabase(DatabaseUnusable):
    pass


class DatabaseFromNewerVersion(DatabaseUnusable):
    pass


class WritesFailing(StoreError):
    def __init__(self, error: BaseException) -> None:
        self.error = error
        super().__init__(f"the database fails writes: {error}")


class UnknownPost(StoreError):
    def __init__(self, post_id: int) -> None:
        self.post_id = post_id
        super().__init__(f"no post with id {post_id} was recorded")


class StoreClosed(StoreError):
    def __init__(self) -> None:
        super().__init__("the store is closed; no more writes are accepted")
