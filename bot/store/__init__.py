"""The learner store: what the bot remembers about posts, attempts, hints and quizzes.

Use the `Store` protocol; `open_store(location)` (bot.store.opening) builds the SQLite or
the PostgreSQL implementation. Only `bot/__main__.py` (and tests) should open one;
everything else receives it.
"""

from bot.store.errors import (
    DatabaseFromNewerVersion,
    DatabaseNotWritable,
    DatabaseUnusable,
    NotATutorDatabase,
    StoreClosed,
    StoreError,
    UnknownPost,
)
from bot.store.protocol import (
    Attempt,
    AttemptOutcome,
    AttemptResult,
    HintUse,
    LeaderboardEntry,
    MemberStats,
    OptionPick,
    PackStats,
    Post,
    PostCounters,
    PostProgress,
    Store,
)
from bot.store.servers import (
    DEFAULT_FORGET_AFTER_DAYS,
    Audit,
    Forgotten,
    ReportAdded,
    ReportSummary,
    ServerData,
    ServerSettings,
)
from bot.store.sqlite import SqliteStore

__all__ = [
    "DEFAULT_FORGET_AFTER_DAYS",
    "Attempt",
    "AttemptOutcome",
    "AttemptResult",
    "Audit",
    "DatabaseFromNewerVersion",
    "DatabaseNotWritable",
    "DatabaseUnusable",
    "Forgotten",
    "HintUse",
    "LeaderboardEntry",
    "MemberStats",
    "NotATutorDatabase",
    "OptionPick",
    "PackStats",
    "Post",
    "PostCounters",
    "PostProgress",
    "ReportAdded",
    "ReportSummary",
    "ServerData",
    "ServerSettings",
    "SqliteStore",
    "Store",
    "StoreClosed",
    "StoreError",
    "UnknownPost",
]
