"""The learner store: what the bot remembers about posts, attempts, hints and quizzes.

Use the `Store` protocol; `open_store(location)` (bot.store.opening) opens the one
implementation, TutorStore, on an SQLite file or a PostgreSQL database. Only
`bot/__main__.py` (and tests) should open one; everything else receives it.
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
from bot.store.protocol import (
    Attempt,
    AttemptOutcome,
    AttemptResult,
    ClickedPost,
    HintUse,
    LeaderboardEntry,
    MemberStats,
    NameData,
    OptionPick,
    PackStats,
    Post,
    PostCounters,
    PostProgress,
    ServerData,
    Store,
)
from bot.store.review_cards import CardState, ReviewCard
from bot.store.servers import (
    DEFAULT_FORGET_AFTER_DAYS,
    Audit,
    Forgotten,
    ReportAdded,
    ReportSummary,
    ServerSettings,
)
from bot.store.store import TutorStore

__all__ = [
    "DEFAULT_FORGET_AFTER_DAYS",
    "Attempt",
    "AttemptOutcome",
    "AttemptResult",
    "Audit",
    "CardState",
    "ClickedPost",
    "DatabaseFromNewerVersion",
    "DatabaseNotWritable",
    "DatabaseUnusable",
    "Forgotten",
    "HintUse",
    "LeaderboardEntry",
    "MemberStats",
    "NameData",
    "NotATutorDatabase",
    "OptionPick",
    "PackStats",
    "Post",
    "PostCounters",
    "PostProgress",
    "ReportAdded",
    "ReportSummary",
    "ReviewCard",
    "ServerData",
    "ServerSettings",
    "Store",
    "StoreClosed",
    "StoreError",
    "TutorStore",
    "UnknownPost",
    "WritesFailing",
]
