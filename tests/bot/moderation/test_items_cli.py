"""`python -m bot items [--csv]`: authors read each exercise's numbers and flags from the bot's
own database (DATABASE_PATH here), every server counted, an older version on a row apart."""

import csv
import io
from datetime import UTC, datetime, timedelta

from bot.store import TutorStore
from exercises import load_catalog
from exercises.progress import PostContext
from tests.processes import run_module

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
GUILDS = (1_100_000_000_000_000_001, 1_100_000_000_000_000_002)


async def _seed(path):
    """The first shipped multiple-choice question: its current version answered right by
    every member on two servers at the first try, and an old version missed by one."""
    catalog = load_catalog()
    exercise = next(e for e in catalog.exercises.values() if len(e.answer_key) == 1)
    wrong = next(letter for letter in "ABCD" if letter != exercise.answer_key)
    async with await TutorStore.open(path) as store:
        old = await store.create_post(
            guild_id=GUILDS[0], channel_id=1, exercise_id=exercise.id, content_hash="0ld",
            difficulty=exercise.difficulty, context=PostContext.PRACTICE, attempt_limit=3,
            posted_at=NOON,
        )  # fmt: skip
        await store.record_attempt(
            post_id=old.post_id, member_id=7, interaction_id=1, answer=wrong, correct=False,
            answered_at=NOON + timedelta(seconds=9),
        )  # fmt: skip
        for number in range(22):
            post = await store.create_post(
                guild_id=GUILDS[number % 2], channel_id=1, exercise_id=exercise.id,
                content_hash=exercise.content_hash, difficulty=exercise.difficulty,
                context=PostContext.PRACTICE, attempt_limit=3, posted_at=NOON,
            )  # fmt: skip
            await store.record_attempt(
                post_id=post.post_id, member_id=100 + number, interaction_id=10 + number,
                answer=exercise.answer_key, correct=True,
                answered_at=NOON + timedelta(seconds=number),
            )  # fmt: skip
    return exercise, wrong


async def test_csv_has_each_version_with_its_numbers_and_flags(tmp_path):
    database = tmp_path / "tutor.sqlite3"
    exercise, _ = await _seed(database)

    ran = run_module(
        "bot", "items", "--csv", "--pack", exercise.pack,
        cwd=tmp_path, settings={"DATABASE_PATH": str(database)},
    )  # fmt: skip

    assert ran.returncode == 0, ran.stderr
    table = list(csv.DictReader(io.StringIO(ran.stdout)))
    assert len(table) == 2
    (old,) = [row for row in table if row["version"] != exercise.content_hash]
    (current,) = [row for row in table if row["version"] == exercise.content_hash]
    assert old["version"] == "0ld (old)"
    assert (old["members"], old["first_try"], old["solved"]) == ("1", "0%", "0%")
    assert (old["most_picked_wrong"], old["wrong_share"]) == ("-", "-")  # never solved: no key
    assert current["exercise"] == exercise.id
    assert current["version"] == exercise.content_hash
    assert (current["posts"], current["members"], current["first_try"]) == ("22", "22", "100%")
    assert current["median_seconds"] == "10"  # 0..21 s: (10 + 11) / 2, shown whole
    assert current["flags"] == "too easy"


async def test_the_table_for_a_terminal_and_a_bad_pack_in_one_line(tmp_path):
    database = tmp_path / "tutor.sqlite3"
    exercise, _ = await _seed(database)
    settings = {"DATABASE_PATH": str(database)}

    ran = run_module("bot", "items", cwd=tmp_path, settings=settings)
    refused = run_module("bot", "items", "--pack", "no-such-pack", cwd=tmp_path, settings=settings)

    assert ran.returncode == 0, ran.stderr
    assert f"\n{exercise.pack}\nexercise " in f"\n{ran.stdout}"
    assert "too easy" in ran.stdout
    assert refused.returncode == 2
    assert refused.stderr.startswith("error: no pack 'no-such-pack'; the packs are: ")
    assert len(refused.stderr.splitlines()) == 1


def test_a_database_that_is_not_there_is_named_not_created(tmp_path):
    missing = tmp_path / "typo.sqlite3"

    refused = run_module("bot", "items", cwd=tmp_path, settings={"DATABASE_PATH": str(missing)})

    assert refused.returncode == 2
    assert (
        refused.stderr
        == f"error: no database at {missing}: set DATABASE_PATH (or DATABASE_URL) to the bot's\n"
    )
    assert not missing.exists()
