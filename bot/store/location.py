"""Where the store lives: an SQLite file, or a PostgreSQL database named by a URL.

`DATABASE_URL` is either; a password in a PostgreSQL URL is a secret, so `PostgresUrl`
never shows it: its str() and repr() put `***` in its place, and only `secret()` (handed
to the driver) returns the URL as given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from config.secret import redact_url

SQLITE_PREFIX = "sqlite:///"
POSTGRES_SCHEMES = ("postgresql", "postgres")


class BadDatabaseUrl(ValueError):
    """DATABASE_URL is neither an SQLite path nor a PostgreSQL URL (message is redacted)."""


@dataclass(frozen=True)
class PostgresUrl:
    _url: str = field(repr=False)

    def secret(self) -> str:
        """The URL with its password, for the driver only; never log or show it."""
        return self._url

    def __str__(self) -> str:
        return redact_url(self._url)

    def __repr__(self) -> str:
        return f"PostgresUrl({redact_url(self._url)!r})"


Location = Path | PostgresUrl


def parse_location(value: str) -> Location:
    """A path or `sqlite:///path` (four slashes for an absolute path) is an SQLite file;
    `postgresql://...` (or `postgres://...`) is a PostgreSQL database."""
    value = value.strip()
    if value.startswith(SQLITE_PREFIX):
        path = value.removeprefix(SQLITE_PREFIX)
        if not path:
            raise BadDatabaseUrl("sqlite:/// must be followed by a file path")
        return Path(path)
    scheme = value.split("://", 1)[0].lower() if "://" in value else ""
    if scheme in POSTGRES_SCHEMES:
        parts = urlsplit(value)
        if not parts.hostname and "host=" not in parts.query:
            raise BadDatabaseUrl(f"{redact_url(value)} names no host")
        return PostgresUrl(value)
    if scheme:
        raise BadDatabaseUrl(
            f"{redact_url(value)} is neither sqlite:///PATH nor postgresql://USER@HOST/DATABASE"
        )
    return Path(value)
