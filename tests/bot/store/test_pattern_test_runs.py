"""/test runs in the store, on every backend: the questions keep the order fixed at the
start, across a reopen; one answer per question, even from two clicks at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from exercises import Difficulty

NOW = datetime(2026, 3, 29, 6, 0, tzinfo=UTC)
QUESTIONS = [
    ("demo/c", "h3", Difficulty.HARD),
    ("demo/a", "h1", Difficulty.EASY),
    ("demo/b", "h2", Difficulty.MEDIUM),
]


async def test_a_runs_questions_keep_their_order_and_take_one_answer_each(backend) -> None:
    async with await backend.open() as store:
        run = await store.pattern_tests.start(
            guild_id=1, member_id=2, pack="demo", questions=QUESTIONS, now=NOW
        )
    async with await backend.open() as store:  # as after a restart
        runs = store.pattern_tests
        again = await runs.current(guild_id=1, member_id=2)
        assert again is not None
        assert again.run_id == run.run_id
        assert [q.exercise_id for q in again.questions] == ["demo/c", "demo/a", "demo/b"]
        double_click = await asyncio.gather(
            *(
                runs.answer(run.run_id, position=0, answer="A", correct=True, now=NOW)
                for _ in range(2)
            )
        )
        assert sum(result is not None for result in double_click) == 1
        for position in (1, 2):
            answered = await runs.answer(
                run.run_id,
                position=position,
                answer="B",
                correct=False,
                now=NOW + timedelta(minutes=position),
            )
            assert answered is not None
        assert answered.finished
        assert answered.finished_at == NOW + timedelta(minutes=2)
        assert [(q.answer, q.correct) for q in answered.questions] == [
            ("A", True),
            ("B", False),
            ("B", False),
        ]
        assert await runs.current(guild_id=1, member_id=2) is None
