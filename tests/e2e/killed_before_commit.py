"""`python -m tests.e2e.killed_before_commit N`: `python -m bot`, except that its store's
writer SIGKILLs this process just before committing the batch that would hold attempt N+1.

The fixed point is reached through the writer's test-only `before_commit` hook, which sees the
batch's uncommitted writes on the writer's own connection.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

import sqlalchemy as sa

from bot import __main__ as bot_main
from bot.store import TutorStore
from bot.store.location import Location
from bot.store.run import Tx


def kill_before_commit(limit: int) -> Any:
    async def before_commit(tx: Tx) -> None:
        attempts = (await tx.execute(sa.text("SELECT count(*) FROM attempts"))).scalar()
        if attempts > limit:
            os.kill(os.getpid(), signal.SIGKILL)

    return before_commit


def main() -> int:
    limit = int(sys.argv[1])
    opened = TutorStore.open

    async def open_with_hook(path: Location | str, **options: Any) -> TutorStore:
        return await opened(path, before_commit=kill_before_commit(limit), **options)

    TutorStore.open = open_with_hook  # type: ignore[method-assign,assignment]  # this process only
    return bot_main.main([])


if __name__ == "__main__":
    sys.exit(main())
