"""The bot's settings, built from the shared registry (`config`) and a mapping of variables.

Built once in `bot/__main__.py`, never at import time. A missing or bad setting stops the
bot at start with a message naming the setting and how to fix it. Secrets hide in the repr.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bot.store.location import BadDatabaseUrl, Location, PostgresUrl, parse_location
from config import (
    Secret,
    SettingsError,
    default_of,
    exercises_path,
    log_format,
    redact_url,
    redacted_repr,
)
from exercises import SHIPPED_PACKS

__all__ = ["TOKEN_HELP", "Settings", "SettingsError", "tutor_url_from"]

TOKEN_HELP = (
    "DISCORD_TOKEN is not set. Create an application at https://discord.com/developers/"
    "applications, add a bot, copy its token, and put DISCORD_TOKEN=<token> in the "
    "environment or in a .env file (see README.md: 'Running it on your own server')."
)
DEFAULT_TUTOR_HOST = default_of("TUTOR_HOST")
DEFAULT_TUTOR_PORT = default_of("TUTOR_PORT")


@dataclass(frozen=True, repr=False)
class Settings:
    discord_token: Secret
    database_path: Path = Path(default_of("DATABASE_PATH"))
    exercises_path: Path = SHIPPED_PACKS
    tutor_url: str = f"http://{DEFAULT_TUTOR_HOST}:{DEFAULT_TUTOR_PORT}"
    tutor_secret: Secret | None = None
    tutor_timeout_seconds: float = float(default_of("TUTOR_TIMEOUT_SECONDS"))
    discord_api_base: str | None = None
    discord_gateway_url: str | None = None
    counter_edit_seconds: float = float(default_of("COUNTER_EDIT_SECONDS"))
    quiz_grace_minutes: int = int(default_of("QUIZ_GRACE_MINUTES"))
    log_level: str = default_of("LOG_LEVEL")
    log_format: str = default_of("LOG_FORMAT")
    health_port: int | None = None
    health_host: str = default_of("HEALTH_HOST")
    database_url: PostgresUrl | None = None  # PostgreSQL instead of the file database_path
    shard_count: int | None = None  # None: one connection, or as many as Discord advises
    shard_ids: tuple[int, ...] | None = None  # None: every shard of shard_count

    @property
    def database(self) -> Location:
        """Where the store lives: the PostgreSQL URL if set, else the SQLite file."""
        return self.database_url if self.database_url is not None else self.database_path

    def __repr__(self) -> str:
        return redacted_repr(self)

    @classmethod
    def from_environment(cls, env: Mapping[str, str], *, need_token: bool = True) -> Settings:
        token = env.get("DISCORD_TOKEN", "").strip()
        if need_token and not token:
            raise SettingsError(TOKEN_HELP)
        secret = env.get("TUTOR_SECRET")
        database = _database(env)
        shard_count, shard_ids = _shards(env)
        return cls(
            discord_token=Secret(token),
            database_path=database if isinstance(database, Path) else cls.database_path,
            database_url=database if isinstance(database, PostgresUrl) else None,
            shard_count=shard_count,
            shard_ids=shard_ids,
            exercises_path=exercises_path(env) or SHIPPED_PACKS,
            tutor_url=_url(env, "TUTOR_URL", ("http://", "https://")) or tutor_url_from(env),
            tutor_secret=Secret(secret) if secret else None,
            tutor_timeout_seconds=_seconds(env, "TUTOR_TIMEOUT_SECONDS", cls.tutor_timeout_seconds),
            discord_api_base=_url(env, "DISCORD_API_BASE", ("http://", "https://")),
            discord_gateway_url=_url(env, "DISCORD_GATEWAY_URL", ("ws://", "wss://")),
            counter_edit_seconds=_seconds(env, "COUNTER_EDIT_SECONDS", cls.counter_edit_seconds),
            quiz_grace_minutes=_quiz_grace_minutes(env),
            log_level=_log_level(env),
            log_format=log_format(env),
            health_port=_port(env, "HEALTH_PORT"),
            health_host=env.get("HEALTH_HOST") or cls.health_host,
        )


def _database(env: Mapping[str, str]) -> Location:
    """DATABASE_URL (an SQLite path or sqlite:///PATH, or postgresql://...) or DATABASE_PATH
    (an SQLite path); not both, so that nobody wonders which one the bot uses."""
    url, path = env.get("DATABASE_URL"), env.get("DATABASE_PATH")
    if url and path:
        raise SettingsError(
            "DATABASE_URL and DATABASE_PATH are both set; set only one: DATABASE_URL for "
            "PostgreSQL (postgresql://...) or SQLite (sqlite:///PATH), DATABASE_PATH for SQLite"
        )
    if not url:
        return Path(path or Settings.database_path)
    try:
        return parse_location(url)
    except BadDatabaseUrl as error:
        raise SettingsError(f"DATABASE_URL: {error}") from None


def _shards(env: Mapping[str, str]) -> tuple[int | None, tuple[int, ...] | None]:
    """SHARD_COUNT (how many shards in all) and SHARD_IDS (this process's, e.g. "0,1")."""
    count_text, ids_text = env.get("SHARD_COUNT"), env.get("SHARD_IDS")
    if not count_text:
        if ids_text:
            raise SettingsError(f"SHARD_IDS={ids_text!r} needs SHARD_COUNT, the total")
        return None, None
    if not count_text.isdigit() or int(count_text) < 1:
        raise SettingsError(f"SHARD_COUNT={count_text!r} must be a whole number, 1 or more")
    count = int(count_text)
    if not ids_text:
        return count, None
    parts = [part.strip() for part in ids_text.split(",")]
    if not all(part.isdigit() and int(part) < count for part in parts):
        raise SettingsError(
            f"SHARD_IDS={ids_text!r} must list shard numbers from 0 to {count - 1} "
            "(SHARD_COUNT - 1), separated by commas"
        )
    return count, tuple(sorted({int(part) for part in parts}))


def tutor_url_from(env: Mapping[str, str]) -> str:
    """Where the tutor service listens, from TUTOR_HOST and TUTOR_PORT (for an unset TUTOR_URL).

    A service bound to every address (0.0.0.0, ::) is reached on loopback.
    """
    host = env.get("TUTOR_HOST") or DEFAULT_TUTOR_HOST
    port = env.get("TUTOR_PORT") or DEFAULT_TUTOR_PORT
    if host in ("0.0.0.0", "::", ""):
        host = DEFAULT_TUTOR_HOST
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise SettingsError(f"TUTOR_PORT={port!r} must be a TCP port, 1 to 65535, e.g. 8765")
    return f"http://{host}:{port}"


def _url(env: Mapping[str, str], name: str, schemes: tuple[str, ...]) -> str | None:
    value = env.get(name)
    if value is not None and not value.startswith(schemes):
        shown = redact_url(value)
        raise SettingsError(f"{name}={shown!r} must start with {' or '.join(schemes)}")
    try:
        _ = urlsplit(value or "").port  # reading it checks its range
    except ValueError:
        shown = redact_url(value or "")
        raise SettingsError(f"{name}={shown!r} must name a port from 1 to 65535") from None
    return value.rstrip("/") if value else None


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    value = env.get(name)
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        raise SettingsError(f"{name}={value!r} must be a number of seconds, e.g. 5") from None
    if not 0 < seconds <= 3600:
        raise SettingsError(f"{name}={value!r} must be more than 0 and at most 3600 seconds")
    return seconds


def _quiz_grace_minutes(env: Mapping[str, str]) -> int:
    """How late a daily quiz missed while the bot was down is still posted on start-up."""
    value = env.get("QUIZ_GRACE_MINUTES")
    if not value:
        return Settings.quiz_grace_minutes
    if not value.strip().isdigit() or not 0 <= int(value) <= 1440:
        raise SettingsError(
            f"QUIZ_GRACE_MINUTES={value!r} must be a whole number of minutes from 0 to 1440, "
            "e.g. 120"
        )
    return int(value)


def _log_level(env: Mapping[str, str]) -> str:
    value = (env.get("LOG_LEVEL") or Settings.log_level).upper()
    if value not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise SettingsError(f"LOG_LEVEL={value!r} must be DEBUG, INFO, WARNING or ERROR")
    return value


def _port(env: Mapping[str, str], name: str) -> int | None:
    value = env.get(name)
    if not value:
        return None
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise SettingsError(f"{name}={value!r} must be a TCP port, 1 to 65535")
    return int(value)
