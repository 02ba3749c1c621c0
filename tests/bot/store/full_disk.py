"""`python -m tests.bot.store.full_disk PATH`: the store on a disk that fills up, in a
process of its own (the limit is the whole process's): no write past the first 8 KB of a
file (RLIMIT_FSIZE), as a full disk refuses them. Prints what a member and /health see.
"""

from __future__ import annotations

import asyncio
import json
import logging
import resource
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bot.health import Health, serving_health
from bot.store import AttemptOutcome, TutorStore, WritesFailing
from exercises.model import Difficulty
from exercises.progress import PostContext

NOON = datetime(2025, 3, 12, 12, 0, tzinfo=UTC)


async def main(path: Path) -> None:
    lines: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())  # type: ignore[method-assign]
    logging.getLogger("bot.store").addHandler(handler)
    store = await TutorStore.open(path)
    post = await store.create_post(
        guild_id=1, channel_id=2, exercise_id="p/e", content_hash="h", difficulty=Difficulty.EASY,
        context=PostContext.PRACTICE, attempt_limit=3, posted_at=NOON,
    )  # fmt: skip
    health = Health(lambda: True, store.check_writable)
    async with (
        serving_health(health, "127.0.0.1", 0) as port,
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http,
    ):
        seen = {"before": (await http.get("/health")).status_code}
        resource.setrlimit(resource.RLIMIT_FSIZE, (8192, resource.RLIM_INFINITY))
        refused = 0
        for member in range(20):
            try:
                await store.record_attempt(
                    post_id=post.post_id, member_id=member, interaction_id=member, answer="A",
                    correct=True, answered_at=NOON,
                )  # fmt: skip
            except WritesFailing:
                refused += 1
        seen |= {"refused": refused, "during": (await http.get("/health")).status_code}
        seen["failing"] = store.database.writer.failing
        resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY,) * 2)  # freed
        seen["after"] = (await http.get("/health")).status_code
    recorded = await store.record_attempt(
        post_id=post.post_id, member_id=99, interaction_id=99, answer="A", correct=True,
        answered_at=NOON,
    )  # fmt: skip
    seen |= {"recorded_after": recorded.outcome is AttemptOutcome.RECORDED, "log": lines}
    await store.close()
    print(json.dumps(seen))


if __name__ == "__main__":
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails, as on a full disk
    asyncio.run(main(Path(sys.argv[1])))
