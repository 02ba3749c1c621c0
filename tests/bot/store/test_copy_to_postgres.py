"""`python -m bot migrate-to URL` copies a populated SQLite store into PostgreSQL: every
row, with the same contents, and the bot then records new posts and attempts there."""

from __future__ import annotations

import sqlite3
import subprocess
from contextlib import closing
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

from bot.review.schedule import FinalOutcome, ReviewSchedule
from bot.store import AttemptOutcome, Audit, ServerSettings, TutorStore
from bot.store.copy_to_postgres import CopyFailed, verify
from bot.store.records import Question
from bot.store.tables import reports
from bot.store.upgrade import postgresql_engine
from exercises.model import Difficulty
from exercises.progress import Period, PostContext
from tests.postgres import fresh_schema
from tests.processes import run_module

ROOT = Path(__file__).parents[3]
NOON = datetime(2025, 3, 12, 12, 0, 0, 123456, tzinfo=UTC)
GUILD, CHANNEL, MOD = 111, 222, 333
MEMBERS = [1_000_000_000_000_000_001 + n for n in range(5)]


async def populate(path: Path) -> None:
    async with await TutorStore.open(path) as store:
        for number in range(4):
            post = await store.create_post(
                guild_id=GUILD,
                channel_id=CHANNEL,
                exercise_id=f"demo/exercise-{number % 2}",
                content_hash=f"hash-{number}",
                difficulty=Difficulty.HARD,
                context=PostContext.PRACTICE,
                attempt_limit=3,
                posted_at=NOON + timedelta(minutes=number),
                message_id=9_000 + number,
            )
            for index, member in enumerate(MEMBERS):
                await store.use_hint(
                    post_id=post.post_id, member_id=member, hint_number=1, used_at=NOON
                )
                for answer, correct in (("A", False), ("C", index % 2 == 0)):
                    await store.record_attempt(
                        post_id=post.post_id,
                        member_id=member,
                        interaction_id=number * 1000 + index * 10 + "AC".index(answer),
                        answer=answer,
                        correct=correct,
                        answered_at=NOON + timedelta(seconds=index, microseconds=7),
                    )
        audit = Audit(GUILD, MOD, "settings", "time zone Europe/Paris", NOON)
        await store.servers.save_settings(
            ServerSettings(GUILD, "Europe/Paris", practice_channel_ids=frozenset({CHANNEL})), audit
        )
        first = await store.get_post(1)
        assert first is not None
        await store.servers.add_report(
            first, member_id=MEMBERS[0], reason="typo", reported_at=NOON, since=NOON, budget=5
        )
        await store.servers.close_post(2, Audit(GUILD, MOD, "close", "post 2", NOON))
        await store.servers.forget_member(guild_id=GUILD, member_id=MEMBERS[4], now=NOON)
        await store.record_commands_synced(guild_id=None, tree_hash="abc", synced_at=NOON)
        schedule = await store.quizzes.add_schedule(
            guild_id=GUILD,
            channel_id=CHANNEL,
            local_time=time(9, 0),
            time_zone="Europe/Paris",
            pack="demo",
            difficulty=None,
            question_count=2,
            created_by=MOD,
            now=NOON,
        )
        claimed = await store.quizzes.claim(
            schedule,
            local_date=date(2025, 3, 12),
            due_at=NOON,
            questions=[Question("demo/q", "hq", Difficulty.EASY, 3)] * 2,
            process="old-bot",
            now=NOON,
            lease_until=NOON + timedelta(minutes=2),
        )
        assert claimed is not None
        await store.quizzes.skip(  # a day missed: no lease, '' in SQLite
            schedule, local_date=date(2025, 3, 11), due_at=NOON, note="missed", now=NOON
        )
        await store.guilds.remember_name(GUILD, MEMBERS[0], "Dana", NOON)
        await store.pattern_tests.start(
            guild_id=GUILD,
            member_id=MEMBERS[1],
            pack="demo",
            questions=[("demo/b", "h2", Difficulty.MEDIUM), ("demo/a", "h1", Difficulty.EASY)],
            now=NOON,
        )
        for exercise, outcome in (("demo/a", FinalOutcome.MISSED), ("demo/b", FinalOutcome.HELPED)):
            await store.review_cards.review(
                guild_id=GUILD,
                member_id=MEMBERS[1],
                exercise_id=exercise,
                step=ReviewSchedule(fuzz=False).step(outcome, NOON),
            )


def migrate_to(path: Path, url: str) -> subprocess.CompletedProcess[str]:
    """`python -m bot migrate-to URL` in a folder of its own, with DATABASE_PATH only."""
    return run_module(
        "bot", "migrate-to", url, cwd=path.parent, settings={"DATABASE_PATH": str(path)}
    )


@pytest.mark.postgres
async def test_migrate_to_copies_every_row_and_the_bot_goes_on_there(tmp_path):
    source = tmp_path / "tutor.sqlite3"
    await populate(source)
    async with fresh_schema() as url:
        ran = migrate_to(source, url.secret())
        assert ran.returncode == 0, ran.stderr
        # 4 posts, 5 members with 2 answers each, less the 8 of the member who was forgotten
        assert "attempts: 32 rows copied, contents checked" in ran.stdout
        assert "posts: 6 rows copied" in ran.stdout  # 4 practice posts, 2 of the quiz
        assert "quiz_deliveries: 2 rows copied" in ran.stdout
        assert "test_run_questions: 2 rows copied" in ran.stdout
        assert "moderator_actions: 2 rows copied" in ran.stdout
        assert "review_cards: 2 rows copied" in ran.stdout

        async with await TutorStore.open(url) as store:
            # The same answers, points and times, read through the store.
            async with await TutorStore.open(source) as old:
                for member in MEMBERS:
                    assert await store.member_stats(
                        guild_id=GUILD, member_id=member
                    ) == await old.member_stats(guild_id=GUILD, member_id=member)
                assert await store.get_post(3) == await old.get_post(3)
                assert await store.servers.settings(GUILD) == await old.servers.settings(GUILD)
                assert await store.servers.closed_at(2) == NOON
                mine = {"guild_id": GUILD, "member_id": MEMBERS[1], "now": NOON + timedelta(days=9)}
                assert await store.review_cards.due(**mine) == await old.review_cards.due(**mine)
                assert len(await store.review_cards.due(**mine)) == 2
                assert await store.quizzes.deliveries(1) == await old.quizzes.deliveries(1)
                assert await store.pattern_tests.current(
                    guild_id=GUILD, member_id=MEMBERS[1]
                ) == await old.pattern_tests.current(guild_id=GUILD, member_id=MEMBERS[1])
                assert await store.leaderboard(
                    guild_id=GUILD, period=Period.ALL_TIME, now=NOON, tz=UTC
                ) == await old.leaderboard(guild_id=GUILD, period=Period.ALL_TIME, now=NOON, tz=UTC)
            # New ids follow the copied ones: the sequences were advanced.
            post = await store.create_post(
                guild_id=GUILD,
                channel_id=CHANNEL,
                exercise_id="demo/new",
                content_hash="h",
                difficulty=Difficulty.EASY,
                context=PostContext.PRACTICE,
                attempt_limit=3,
                posted_at=NOON,
            )
            assert post.post_id == 7
            answered = await store.record_attempt(
                post_id=post.post_id,
                member_id=MEMBERS[0],
                interaction_id=77,
                answer="B",
                correct=True,
                answered_at=NOON,
            )
            assert answered.outcome is AttemptOutcome.RECORDED
            assert answered.attempt is not None
            with closing(sqlite3.connect(source)) as lite:
                (highest,) = lite.execute("SELECT max(attempt_id) FROM attempts").fetchone()
            assert answered.attempt.attempt_id == highest + 1


@pytest.mark.postgres
async def test_migrate_to_refuses_a_database_with_rows_and_copies_nothing(tmp_path):
    source = tmp_path / "tutor.sqlite3"
    await populate(source)
    async with fresh_schema() as url:
        assert migrate_to(source, url.secret()).returncode == 0
        again = migrate_to(source, url.secret())
        assert again.returncode == 2
        assert "already holds rows" in again.stderr
        async with await psycopg.AsyncConnection.connect(url.secret()) as db:
            row = await (await db.execute("SELECT count(*) FROM attempts")).fetchone()
        assert row == (32,)


@pytest.mark.postgres
async def test_a_difference_after_the_copy_is_reported_by_table(tmp_path):
    """The check compares contents, not counts: a changed value is found."""
    source = tmp_path / "tutor.sqlite3"
    await populate(source)
    async with fresh_schema() as url:
        assert migrate_to(source, url.secret()).returncode == 0
        async with await psycopg.AsyncConnection.connect(url.secret(), autocommit=True) as db:
            await db.execute("UPDATE reports SET reason = 'changed'")
        lite, postgres = sa.create_engine(f"sqlite:///{source}"), postgresql_engine(url)
        with (
            lite.connect() as reads,
            postgres.connect() as writes,
            pytest.raises(CopyFailed, match="table reports: 1 rows in SQLite, 1 in PostgreSQL"),
        ):
            verify(reads, writes, reports)
        lite.dispose()
        postgres.dispose()
