"""`python -m tests.e2e.full_disk_bot`: `python -m bot`, except that the disk fills up as the
first attempt is about to be committed: from then on no file of this process may be written
(RLIMIT_FSIZE 0, as tests.bot.store.full_disk does), so that COMMIT and every write after it
fail as on a full disk. The fixed point is the writer's test-only `before_commit` hook."""

from __future__ import annotations

import resource
import signal
import sys
from typing import Any

import sqlalchemy as sa

from bot import __main__ as bot_main
from bot.store import TutorStore
from bot.store.location import Location
from bot.store.run import Tx


async def fill_the_disk(tx: Tx) -> None:
    if (await tx.execute(sa.text("SELECT count(*) FROM attempts"))).scalar():
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.RLIM_INFINITY))


def main() -> int:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails, as on a full disk
    opened = TutorStore.open

    async def open_with_hook(path: Location | str, **options: Any) -> TutorStore:
        return await opened(path, before_commit=fill_the_disk, **options)

    TutorStore.open = open_with_hook  # type: ignore[method-assign,assignment]  # this process only
    return bot_main.main([])


if __name__ == "__main__":
    sys.exit(main())
