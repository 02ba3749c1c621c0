"""The learner store: what the bot remembers about posts, attempts, hints, quizzes and servers.

`await TutorStore.open(location)` opens it on an SQLite file or a PostgreSQL database; only
`bot/__main__.py` (and tests) should open one, everything else receives it. Its records are
in bot.store.records, its errors in bot.store.errors; the most used are named here.
"""

from bot.store.errors import (
    DatabaseFromNewerVersion,
    DatabaseNotWritable,
    DatabaseUnusable,
    NotATutorDatabase,
    StoreClosed,
    StoreError,
    UnknownPost,
    WritesFailing,
)
from bot.store.records import (
    DEFAULT_FORGET_AFTER_DAYS,
    AttemptOutcome,
    AttemptResult,
    Audit,
    ClickedPost,
    HintUse,
    LeaderboardEntry,
    MemberStats,
    OptionPick,
    Post,
    PostProgress,
    ReportAdded,
    ReviewCard,
    ServerSettings,
)
from bot.store.store import TutorStore

__all__ = [
    "DEFAULT_FORGET_AFTER_DAYS",
    "AttemptOutcome",
    "AttemptResult",
    "Audit",
    "ClickedPost",
    "DatabaseFromNewerVersion",
    "DatabaseNotWritable",
    "DatabaseUnusable",
    "HintUse",
    "LeaderboardEntry",
    "MemberStats",
    "NotATutorDatabase",
    "OptionPick",
    "Post",
    "PostProgress",
    "ReportAdded",
    "ReviewCard",
    "ServerSettings",
    "StoreClosed",
    "StoreError",
    "TutorStore",
    "UnknownPost",
    "WritesFailing",
]
