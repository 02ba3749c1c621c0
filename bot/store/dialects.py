"""A statement written once for both databases: SQLite's text, and PostgreSQL's beside it
where the two dialects read the same SQL differently.

The SQLite store runs the string itself; the PostgreSQL store, which runs SQLite's store
code through bot.store.pg_compat, runs `.postgresql` instead. Both are written with
SQLite's placeholders (`?` and `:name`). A statement both dialects read alike stays a plain
string: only the differences are written twice, side by side, so that changing one shows
the other.
"""

from __future__ import annotations


class BothDialects(str):
    """SQLite's statement, carrying PostgreSQL's as `postgresql`."""

    postgresql: str

    def __new__(cls, sqlite: str, *, postgresql: str) -> BothDialects:
        statement = super().__new__(cls, sqlite)
        statement.postgresql = postgresql
        return statement
