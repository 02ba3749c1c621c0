"""The quiz tables: one claim per schedule and local day, even across processes; leases."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from bot.store import TutorStore
from bot.store.records import DeliveryStatus, Question, Schedule
from exercises import Difficulty

NOW = datetime(2026, 3, 29, 6, 0, tzinfo=UTC)
DAY = date(2026, 3, 29)
QUESTION = Question("demo/x", "hash", Difficulty.EASY, 3)


async def a_schedule(store: TutorStore) -> Schedule:
    return await store.quizzes.add_schedule(
        guild_id=1,
        channel_id=2,
        local_time=time(9, 0),
        time_zone="Europe/Berlin",
        pack=None,
        difficulty=None,
        question_count=1,
        created_by=3,
        now=NOW,
    )


async def claim(store: TutorStore, schedule: Schedule, process: str) -> int | None:
    delivery = await store.quizzes.claim(
        schedule,
        local_date=DAY,
        due_at=NOW,
        questions=[QUESTION, QUESTION],
        process=process,
        now=NOW,
        lease_until=NOW + timedelta(minutes=2),
    )
    return delivery.delivery_id if delivery else None


async def test_a_day_is_claimed_once_with_its_posts(backend) -> None:
    async with await backend.open() as store:
        schedule = await a_schedule(store)
        first = await claim(store, schedule, "a")
        assert first is not None
        assert await claim(store, schedule, "b") is None
        delivery = await store.quizzes.delivery(first)
        assert delivery is not None
        assert [post.position for post in delivery.posts] == [0, 1]
        assert delivery.claimed_by == "a"
        assert not await store.quizzes.skip(
            schedule, local_date=DAY, due_at=NOW, note="late", now=NOW
        )


_CLAIM_IN_A_PROCESS = """
import asyncio, sys
from datetime import UTC, datetime, timedelta
from bot.store import TutorStore
from bot.store.location import parse_location
from tests.bot.store.test_quizzes import claim

async def main():
    async with await TutorStore.open(parse_location(sys.argv[1])) as store:
        (schedule,) = await store.quizzes.schedules()
        print(await claim(store, schedule, sys.argv[2]))

asyncio.run(main())
"""


async def test_separate_processes_sharing_the_store_claim_a_day_once(
    backend, tmp_path: Path
) -> None:
    async with await backend.open() as store:
        await a_schedule(store)
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            _CLAIM_IN_A_PROCESS,
            backend.location,
            f"process-{n}",
            stdout=asyncio.subprocess.PIPE,
        )
        for n in range(4)
    ]
    outputs = [(await process.communicate())[0].decode().strip() for process in processes]
    assert sorted(outputs) == ["1", "None", "None", "None"]


async def test_a_stalled_claim_is_taken_over_once_and_its_old_holder_stops(
    backend, tmp_path: Path
) -> None:
    async with await backend.open() as store:
        quizzes = store.quizzes
        delivery_id = await claim(store, await a_schedule(store), "crashed")
        assert delivery_id is not None
        assert await quizzes.stalled(NOW + timedelta(minutes=1)) == []
        later = NOW + timedelta(minutes=3)
        (stalled,) = await quizzes.stalled(later)
        assert stalled.delivery_id == delivery_id
        lease = later + timedelta(minutes=2)
        taken = await quizzes.take_over(delivery_id, process="new", now=later, lease_until=lease)
        assert taken is not None
        assert taken.claimed_by == "new"
        again = await quizzes.take_over(delivery_id, process="third", now=later, lease_until=lease)
        assert again is None
        assert not await quizzes.renew(delivery_id, process="crashed", lease_until=lease)
        assert await quizzes.renew(delivery_id, process="new", lease_until=lease)
        await quizzes.finish(delivery_id, DeliveryStatus.POSTED, now=later)
        assert await quizzes.stalled(later + timedelta(hours=1)) == []


async def test_resuming_makes_days_due_while_paused_not_owed(backend) -> None:
    async with await backend.open() as store:
        schedule = await a_schedule(store)
        paused = await store.quizzes.pause(schedule.schedule_id, reason="by mod", now=NOW)
        assert paused is not None
        assert paused.paused
        assert paused.last_error is None
        resumed_at = NOW + timedelta(days=2)
        resumed = await store.quizzes.resume(schedule.schedule_id, now=resumed_at)
        assert resumed is not None
        assert not resumed.paused
        assert resumed.active_since == resumed_at
        await store.quizzes.remove(schedule.schedule_id, now=resumed_at)
        assert await store.quizzes.schedules() == []
        assert await store.quizzes.schedule(schedule.schedule_id) is None


async def test_forget_me_also_forgets_the_display_name(backend) -> None:
    async with await backend.open() as store:
        await store.guilds.remember_name(1, 7, "Dana", NOW)
        await store.guilds.remember_name(2, 7, "Dana elsewhere", NOW)
        assert await store.guilds.display_name(1, 7) == "Dana"
        await store.servers.forget_member(guild_id=1, member_id=7, now=NOW)
        assert await store.guilds.display_name(1, 7) is None
        assert await store.guilds.display_name(2, 7) == "Dana elsewhere"  # another server's


async def test_a_deliverys_scorers_and_first_picks(backend) -> None:
    async with await backend.open() as store:
        schedule = await a_schedule(store)
        delivery_id = await claim(store, schedule, "a")
        delivery = await store.quizzes.delivery(delivery_id)
        first, second = (post.post_id for post in delivery.posts)
        await store.guilds.remember_name(1, 7, "Dana", NOW)
        for interaction, (post, member, answer, correct) in enumerate(
            [
                (first, 7, "A", True),
                (first, 8, "B", False),
                (first, 8, "A", True),
                (second, 8, "C", True),
            ]
        ):
            await store.record_attempt(
                post_id=post,
                member_id=member,
                interaction_id=100 + interaction,
                answer=answer,
                correct=correct,
                answered_at=NOW + timedelta(seconds=interaction),
            )
        scorers = [
            (r["member_id"], r["display_name"], r["solves"])
            for r in await store.quizzes.scorers(delivery_id)
        ]
        assert scorers == [(7, "Dana", 1), (8, None, 2)]  # by points: 7 solved first time
        picks = await store.quizzes.first_picks(first)
        assert [(b, o, n) for b, o, n, _ in picks] == [(0, "A", 1), (0, "B", 1)]
