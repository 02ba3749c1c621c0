"""The one registry of settings: every variable the bot, the tutor service and the pack check
read, declared once with its type, default, meaning and whether it is a secret.

`bot/settings.py` and `tutor/config.py` build their settings objects from these declarations;
the table in docs/deploy.md and `.env.example` are rendered from them (`python -m config
docs`), and a test checks both files against them. Reading goes through `read_environment`, so every
process sees `.env` the same way, with the environment winning.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from difflib import get_close_matches
from enum import StrEnum
from pathlib import Path

from dotenv import dotenv_values


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names it and says how to fix it."""


class Reader(StrEnum):
    """Which process reads a setting."""

    BOT = "bot"
    TUTOR = "tutor"
    BOTH = "bot, tutor"


@dataclass(frozen=True)
class Setting:
    name: str
    type: str
    """How the value is read, in the docs' words: text, folder, URL, seconds, port..."""
    default: str
    """What applies when it is unset, as docs/deploy.md shows it."""
    meaning: str
    reader: Reader
    secret: bool = False


SETTINGS: tuple[Setting, ...] = (
    Setting("DISCORD_TOKEN", "text", "(required for the bot)", "the bot's token", Reader.BOT, True),
    Setting(
        "DATABASE_PATH",
        "file",
        "`data/tutor.sqlite3`",
        "the SQLite file of posts, attempts, hints, server settings and reports; its folder "
        "is created",
        Reader.BOT,
    ),
    Setting(
        "DATABASE_URL",
        "URL",
        "none",
        "instead of `DATABASE_PATH`: `postgresql://USER:PASSWORD@HOST:PORT/DATABASE` for "
        'PostgreSQL, or `sqlite:///PATH`; not both (see "PostgreSQL and shards"); '
        "its password is never logged",
        Reader.BOT,
    ),
    Setting(
        "SHARD_COUNT",
        "count",
        "as Discord advises",
        "how many gateway shards the bot has in all, over every process",
        Reader.BOT,
    ),
    Setting(
        "SHARD_IDS",
        "numbers",
        "every shard",
        "the shards this process runs, comma-separated (`0,1`); needs `SHARD_COUNT`",
        Reader.BOT,
    ),
    Setting(
        "EXERCISES_PATH",
        "folder",
        "the shipped packs",
        "the folder of exercise packs used by `python -m exercises check`, the bot and the "
        "tutor service",
        Reader.BOTH,
    ),
    Setting(
        "TUTOR_URL",
        "URL",
        "`http://TUTOR_HOST:TUTOR_PORT`",
        'where the bot reaches the tutor service, for "Run it"',
        Reader.BOT,
    ),
    Setting(
        "TUTOR_TIMEOUT_SECONDS",
        "seconds",
        "`10`",
        'how long "Run it" waits for the tutor service',
        Reader.BOT,
    ),
    Setting(
        "DISCORD_API_BASE",
        "URL",
        "Discord's",
        "a REST proxy, or the loopback Discord (`http://127.0.0.1:PORT/api/v10`)",
        Reader.BOT,
    ),
    Setting(
        "DISCORD_GATEWAY_URL",
        "URL",
        "Discord's",
        "a gateway proxy, or the loopback Discord (`ws://127.0.0.1:PORT/gateway`)",
        Reader.BOT,
    ),
    Setting(
        "COUNTER_EDIT_SECONDS",
        "seconds",
        "`5`",
        "at most one edit of a post's public counters per this many seconds",
        Reader.BOT,
    ),
    Setting(
        "QUIZ_GRACE_MINUTES",
        "minutes",
        "`120`",
        "a daily quiz missed while the bot was down is still posted on start-up if it is at "
        "most this late; later ones are skipped and logged",
        Reader.BOT,
    ),
    Setting("LOG_LEVEL", "level", "`INFO`", "`DEBUG`, `INFO`, `WARNING` or `ERROR`", Reader.BOT),
    Setting(
        "LOG_FORMAT",
        "format",
        "`text`",
        "`text` (one readable line per event) or `json` (one JSON object per line)",
        Reader.BOTH,
    ),
    Setting(
        "HEALTH_PORT",
        "port",
        "none (off)",
        "serve the bot's `/health` and Prometheus `/metrics` on this port "
        "(the Docker image sets `8080`)",
        Reader.BOT,
    ),
    Setting(
        "HEALTH_HOST",
        "address",
        "`127.0.0.1`",
        "the address `/health` and `/metrics` listen on (the Docker image sets `0.0.0.0`)",
        Reader.BOT,
    ),
    Setting(
        "TUTOR_HOST",
        "address",
        "`127.0.0.1`",
        "the address the tutor service binds; any other than loopback needs `TUTOR_SECRET`",
        Reader.BOTH,
    ),
    Setting("TUTOR_PORT", "port", "`8765`", "the tutor service's port", Reader.BOTH),
    Setting(
        "TUTOR_SECRET",
        "text",
        "none",
        "a shared secret: the tutor service demands it and the bot sends it",
        Reader.BOTH,
        True,
    ),
    Setting(
        "TUTOR_ALLOWED_HOSTS",
        "names",
        "none",
        "more host names the tutor service answers to, comma-separated",
        Reader.TUTOR,
    ),
    Setting(
        "TUTOR_RUN_TIMEOUT",
        "seconds",
        "`8`",
        "how long one run of an example may take before it is stopped",
        Reader.TUTOR,
    ),
    Setting("TUTOR_MAX_RUNS", "count", "`256`", "runs of examples at once", Reader.TUTOR),
    Setting(
        "TUTOR_REPORT_BODY_CHARS",
        "count",
        "`4000`",
        "characters of an example's response kept in a run report",
        Reader.TUTOR,
    ),
    Setting(
        "TUTOR_MEMBER_RUNS_PER_MINUTE",
        "count",
        "`30`",
        "runs one member may start in any minute (beyond, the member is told to wait)",
        Reader.TUTOR,
    ),
    Setting(
        "TUTOR_MEMBER_RUNS_AT_ONCE",
        "count",
        "`4`",
        "runs of one member in flight at once (a Run it click costs one or two)",
        Reader.TUTOR,
    ),
    Setting(
        "TUTOR_MAX_CONNECTIONS",
        "count",
        "`1024`",
        "requests the tutor service serves at once (idle connections do not count); beyond, 503",
        Reader.TUTOR,
    ),
)

BY_NAME: Mapping[str, Setting] = {setting.name: setting for setting in SETTINGS}


def default_of(name: str) -> str:
    """A setting's default value, as written once above (`10` -> "10"), for the typed
    settings of each process to start from. Only for a default that is a value."""
    shown = BY_NAME[name].default
    if not (len(shown) > 2 and shown.startswith("`") and shown.endswith("`")):
        raise KeyError(f"{name} has no default value, only {shown!r}")
    return shown[1:-1]


def read_environment(
    environ: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")
) -> dict[str, str]:
    """The registry's variables from `.env` (in the working folder) and the environment;
    the environment wins, so a deployment can override a developer's file."""
    values: dict[str, str] = {}
    if dotenv is not None and dotenv.is_file():
        values.update((k, v) for k, v in dotenv_values(dotenv).items() if v is not None)
        _refuse_misspelt(values, dotenv)
    values.update(os.environ if environ is None else environ)
    return {name: value for name, value in values.items() if name in BY_NAME}


def _refuse_misspelt(values: Mapping[str, str], dotenv: Path) -> None:
    """A key of `.env` that is not a setting but close to one is a typo, not another tool's
    variable (compose's POSTGRES_PASSWORD is close to none): ignored, it would leave the
    setting unset without a word."""
    for name in values:
        if name not in BY_NAME and (close := get_close_matches(name, BY_NAME, n=1, cutoff=0.8)):
            raise SettingsError(
                f"{dotenv} sets {name}, which is no setting: did you mean {close[0]}?"
            )


def exercises_path(env: Mapping[str, str]) -> Path | None:
    """EXERCISES_PATH as a folder, or None for the shipped packs."""
    value = env.get("EXERCISES_PATH")
    if not value:
        return None
    path = Path(value)
    if not path.is_dir():
        raise SettingsError(
            f"EXERCISES_PATH={value!r} is not a folder; point it at a folder of packs"
        )
    return path


def log_format(env: Mapping[str, str]) -> str:
    """LOG_FORMAT, read the same way by the bot and the tutor service."""
    value = (env.get("LOG_FORMAT") or default_of("LOG_FORMAT")).lower()
    if value not in {"text", "json"}:
        raise SettingsError(f"LOG_FORMAT={value!r} must be text or json")
    return value
