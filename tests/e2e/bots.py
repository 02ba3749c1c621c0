"""The real TutorBot, started against the loopback Discord with a store in a temporary folder,
and the real tutor service under uvicorn.

The bot registers its slash commands globally as it starts (its store is new), as in production.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.app import TutorBot
from bot.interactions.custom_ids import AnswerChoice
from bot.metrics import STORE_WRITE_SECONDS
from bot.practice.run_it import ExampleRunner
from bot.review.schedule import ReviewSchedule
from bot.sandbox import LoopbackDiscord, Message
from bot.store import TutorStore
from exercises import AnyExercise, Catalog, Difficulty, MultipleChoice, load_catalog
from exercises.shown_order import BY_POST, post_order
from tests.clock import ManualClock
from tests.exercises.test_grading import gather_exercise
from tests.loopback_fixtures import Scene
from tests.store_template import new_sqlite_store
from tutor.asgi import TutorApp
from tutor.config import TutorConfig
from tutor.pool import Runner
from tutor.server import bind, serving
from tutor.service import Tutor
from tutor.settings import configure

GOOD = Path(__file__).parents[1] / "exercises" / "fixtures" / "good"


def e2e_catalog() -> Catalog:
    """One exercise per (pack, difficulty), so /practice picks deterministically:
    demo easy: a 1-blank fill; demo medium: multiple-choice; demo hard: a 3-blank fill."""
    catalog = load_catalog(GOOD)
    choice = catalog.get("demo/define-async-view")
    assert isinstance(choice, MultipleChoice)
    medium = dataclasses.replace(choice, difficulty=Difficulty.MEDIUM)
    gather = gather_exercise()
    exercises = {**catalog.exercises, medium.id: medium, gather.id: gather}
    return Catalog(catalog.packs, exercises)


def with_exercise(exercise: AnyExercise) -> Catalog:
    """The e2e catalog with `exercise` in place of the one with its id."""
    catalog = e2e_catalog()
    return Catalog(catalog.packs, {**catalog.exercises, exercise.id: exercise})


@asynccontextmanager
async def running_bot(
    loopback: LoopbackDiscord,
    scene: Scene,
    clock: ManualClock,
    database: Path,
    *,
    catalog: Catalog | None = None,
    runner: ExampleRunner | None = None,
    practice_cooldown_seconds: float = 0,
    preview: bool = False,
) -> AsyncIterator[TutorBot]:
    database = await new_sqlite_store(database)
    async with await TutorStore.open(database, on_write=STORE_WRITE_SECONDS.observe) as store:
        bot = TutorBot(
            store=store,
            catalog=catalog or e2e_catalog(),
            clock=clock,
            runner=runner,
            practice_cooldown_seconds=practice_cooldown_seconds,
            guild_ready_timeout=0.01,
            preview=preview,
            review_schedule=ReviewSchedule(fuzz=False),  # due dates exact, not from `random`
        )
        running = asyncio.create_task(bot.start(loopback.token))
        try:
            await asyncio.wait_for(bot.wait_until_ready(), 5)  # commands synced at start
            yield bot
        finally:
            await bot.close()
            await running


@asynccontextmanager
async def serving_tutor(config: TutorConfig, catalog: Catalog | None = None) -> AsyncIterator[str]:
    """The tutor service for the e2e catalog (or `catalog`), under uvicorn on a free port."""
    configure(config)
    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    runner = Runner(example_api_url=config.example_api_url(port), timeout=config.run_timeout)
    service = Tutor(config, (catalog or e2e_catalog()).exercises, runner)
    async with runner, serving(TutorApp(service, manage_runner=False), sock):
        yield f"http://127.0.0.1:{port}"


async def practice(loopback: LoopbackDiscord, scene: Scene, difficulty: str) -> Message:
    """alice runs /practice on the demo pack at this difficulty; the post she sees."""
    asked = await loopback.run_command(
        scene.alice, scene.channel, "practice", pack="demo", difficulty=difficulty
    )
    return await loopback.reply_to(asked)


def on_buttons(post: Message, letters: str, catalog: Catalog | None = None) -> str:
    """File letters as the buttons of `post` (made by a new bot) name them: the letters the
    post shows those options under. Its exercise is found by the post's title."""
    post_id = int(next(iter(post.buttons())).split(":")[2])
    title = post.embeds[0]["title"]
    exercises = (catalog or e2e_catalog()).exercises.values()
    exercise = next(exercise for exercise in exercises if exercise.title == title)
    return post_order(exercise, post_id, BY_POST).to_ids(letters)


def answer_id(post: Message, letter: str, catalog: Catalog | None = None) -> str:
    """The id of the answer button on a multiple-choice `post` for the option with this
    letter in the exercise file."""
    post_id = int(next(iter(post.buttons())).split(":")[2])
    return AnswerChoice(post_id, on_buttons(post, letter, catalog)).to_id()
