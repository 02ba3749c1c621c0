"""One process answering one post at once: `python -m tests.bot.store.clicker URL POST
MEMBER FIRST_INTERACTION ANSWER...`. Opens the PostgreSQL store, prints "ready", waits
for a line on stdin, then records every answer concurrently and prints the outcomes as
JSON. tests/bot/store/test_across_processes.py runs two of these at once."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import UTC, datetime

from bot.store import TutorStore
from bot.store.location import PostgresUrl

AT = datetime(2025, 3, 12, 12, 0, tzinfo=UTC)  # the bot's clock, not the database's


async def main(url: str, post_id: int, member_id: int, first: int, answers: list[str]) -> None:
    async with await TutorStore.open(PostgresUrl(url), pool_size=len(answers)) as store:
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        results = await asyncio.gather(
            *(
                store.record_attempt(
                    post_id=post_id,
                    member_id=member_id,
                    interaction_id=first + number,
                    answer=answer,
                    correct=False,
                    answered_at=AT,
                )
                for number, answer in enumerate(answers)
            )
        )
    print(json.dumps([result.outcome.value for result in results]), flush=True)


if __name__ == "__main__":
    url, post, member, first, *answers = sys.argv[1:]
    asyncio.run(main(url, int(post), int(member), int(first), answers))
