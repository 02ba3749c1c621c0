"""The practice flow in Discord-free terms: post an exercise, open a panel, submit, take a hint.

Takes ids and returns Rendered messages; the Discord layer only parses and sends. Every
button's claims (post, channel, message) are checked here against the store: they are
untrusted. Recording an attempt is one atomic store call; grading is pure.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from bot import render
from bot.clock import Clock
from bot.errors import STALE_BUTTON, Refused
from bot.interactions.custom_ids import UNCHOSEN
from bot.practice.counters import CounterRefresher
from bot.practice.run_it import ExampleRunner
from bot.review.recorder import ReviewRecorder
from bot.review.schedule import final_outcome
from bot.store import AttemptOutcome, AttemptResult, ClickedPost, Post, TutorStore, UnknownPost
from exercises import (
    AnswerError,
    AnyExercise,
    Catalog,
    Difficulty,
    FillInTheBlank,
    Verdict,
    grade,
)
from exercises.progress import PostContext, attempt_limit, hint_cost, hints_allowed
from exercises.shown_order import ShownOrder, post_order


def shown_order(post: Post, exercise: AnyExercise) -> ShownOrder:
    """The order the post shows its options in, as it was marked when it was made."""
    return post_order(exercise, post.post_id, post.option_order)


def as_file_letters(post: Post, exercise: AnyExercise, from_button: str) -> str:
    """A button's letters as the exercise file's, through the post's order; a letter the
    post does not show is a forged button."""
    letters = shown_order(post, exercise).from_ids(from_button)
    if letters is None:
        raise Refused(STALE_BUTTON)
    return letters


QUIZ_CLOSED = "This daily quiz has closed and its results are posted. Try `/practice`."
CLOSED_POST = "A moderator closed this exercise: it takes no more answers. Try `/practice`."


@dataclass(frozen=True)
class Clicked:
    """Where a button was clicked and by whom, as Discord reported it (not as the id claims)."""

    post_id: int
    channel_id: int
    message_id: int | None  # the public post's message, or None for a private panel
    member_id: int
    interaction_id: int


class Practice:
    """The practice feature: choosing and posting exercises, and every click on them."""

    def __init__(
        self,
        *,
        store: TutorStore,
        catalog: Catalog,
        clock: Clock,
        counters: CounterRefresher | None = None,
        runner: ExampleRunner | None = None,
        rng: random.Random | None = None,
        reviews: ReviewRecorder | None = None,
    ) -> None:
        self.runner = runner or ExampleRunner(None)
        self.reviews = reviews
        self.store = store
        self.catalog = catalog
        self.clock = clock
        self.counters = counters
        self._rng = rng or random.Random()

    def choose_exercise(
        self,
        pack_id: str | None,
        difficulty: Difficulty | None,
        *,
        disabled: frozenset[str] = frozenset(),
    ) -> AnyExercise:
        """A random exercise of the pack and difficulty, never one of `disabled` (by id)."""
        if pack_id is not None and pack_id not in self.catalog.packs:
            known = ", ".join(sorted(self.catalog.packs))
            raise Refused(f"There is no pack `{pack_id}`. Packs: {known}.")
        candidates = [
            exercise
            for exercise in self.catalog.exercises.values()
            if (pack_id is None or exercise.pack == pack_id)
            and (difficulty is None or exercise.difficulty is difficulty)
            and exercise.id not in disabled
        ]
        if not candidates:
            note = " that moderators have not disabled here" if disabled else ""
            raise Refused(f"No exercise matches that pack and difficulty{note}.")
        return self._rng.choice(candidates)

    async def create_post(
        self, exercise: AnyExercise, *, guild_id: int, channel_id: int, earns_points: bool = True
    ) -> tuple[Post, render.Rendered]:
        """Record the post first, so that its buttons can name it; the message id comes later.
        A post that does not earn points (a /review) says so in every answer's feedback."""
        post = await self.store.create_post(
            guild_id=guild_id,
            channel_id=channel_id,
            exercise_id=exercise.id,
            content_hash=exercise.content_hash,
            difficulty=exercise.difficulty,
            context=PostContext.PRACTICE,
            attempt_limit=attempt_limit(PostContext.PRACTICE, exercise.attempts),
            posted_at=self.clock.now(),
            earns_points=earns_points,
        )
        pack_title = self.catalog.packs[exercise.pack].title
        rendered = render.exercise_post(
            exercise,
            pack_title=pack_title,
            post_id=post.post_id,
            attempt_limit=post.attempt_limit,
            order=shown_order(post, exercise),
        )
        return post, rendered

    async def render_post(self, post_id: int) -> tuple[Post, render.Rendered]:
        """The public message as it should look now, with current counters."""
        post, exercise = await self._post_and_exercise(post_id)
        answered, solved = await self.store.post_counters(post_id)
        pack_title = self.catalog.packs[exercise.pack].title
        rendered = render.exercise_post(
            exercise,
            pack_title=pack_title,
            post_id=post_id,
            attempt_limit=post.attempt_limit,
            answered=answered,
            solved=solved,
            closed=await self.store.servers.closed_at(post_id) is not None,
            order=shown_order(post, exercise),
        )
        return post, rendered

    async def _post_and_exercise(self, post_id: int) -> tuple[Post, AnyExercise]:
        return self._exercise_of(await self.store.get_post(post_id))

    def _exercise_of(self, post: Post | None) -> tuple[Post, AnyExercise]:
        exercise = self.catalog.exercises.get(post.exercise_id) if post else None
        if post is None or exercise is None:
            raise Refused(STALE_BUTTON)
        if exercise.content_hash != post.content_hash:
            raise Refused("This exercise has been updated since it was posted. Use `/practice`.")
        return post, exercise

    async def _post_for_click(
        self, clicked: Clicked, *, after_closing: bool = False
    ) -> tuple[Post, AnyExercise]:
        """The post the button names, if it really is the one in this channel and message,
        and still open for answers (a closed daily quiz only still runs examples)."""
        found = await self.store.post_for_click(clicked.post_id)  # one read
        return self._check_click(found, clicked, after_closing=after_closing)

    def _check_click(
        self, found: ClickedPost | None, clicked: Clicked, *, after_closing: bool = False
    ) -> tuple[Post, AnyExercise]:
        post, exercise = self._exercise_of(found.post if found else None)
        if post.channel_id != clicked.channel_id:
            raise Refused(STALE_BUTTON)
        assert found is not None
        if found.closed_at is not None:
            raise Refused(CLOSED_POST)
        # The message id is stored just after Discord answers /practice; a click in between
        # is checked by its channel alone.
        shown_in = post.message_id
        if (
            clicked.message_id is not None
            and shown_in is not None
            and shown_in != clicked.message_id
        ):
            raise Refused(STALE_BUTTON)
        if not after_closing and post.context is PostContext.DAILY_QUIZ and found.quiz_closed:
            raise Refused(QUIZ_CLOSED)
        return post, exercise

    async def open_panel(self, clicked: Clicked) -> render.Rendered:
        post, exercise = await self._post_for_click(clicked)
        if not isinstance(exercise, FillInTheBlank):
            raise Refused(STALE_BUTTON)
        await self._refuse_if_finished(post, clicked.member_id, exercise)
        chosen = UNCHOSEN * len(exercise.blanks)
        return render.answer_panel(exercise, post.post_id, chosen, shown_order(post, exercise))

    async def choose(self, clicked: Clicked, chosen: str) -> render.Rendered:
        """The panel after a choice; `chosen` is the panel's state with the click applied,
        in the button's letters."""
        post, exercise = await self._post_for_click(clicked)
        if not isinstance(exercise, FillInTheBlank) or len(chosen) != len(exercise.blanks):
            raise Refused(STALE_BUTTON)
        chosen = as_file_letters(post, exercise, chosen)
        if any(letter not in exercise.letters + UNCHOSEN for letter in chosen):
            raise Refused(STALE_BUTTON)
        return render.answer_panel(exercise, post.post_id, chosen, shown_order(post, exercise))

    async def _refuse_if_finished(self, post: Post, member_id: int, exercise: AnyExercise) -> None:
        progress = await self.store.progress_on_post(post_id=post.post_id, member_id=member_id)
        if progress.solved:
            raise Refused(render.already_solved().content)
        if progress.attempts_left == 0:
            raise Refused(render.out_of_attempts(exercise, shown_order(post, exercise)).content)

    async def submit(self, clicked: Clicked, answer: str, *, from_panel: bool) -> render.Rendered:
        """Grade and record one answer; the reply says exactly what was recorded.

        Fill-in-the-blank answers come from the private panel, multiple-choice ones from the
        post's letter buttons; anything else is a forged or stale button. `answer` is in the
        button's letters.
        """
        graded: tuple[Post, AnyExercise, str, Verdict] | None = None

        def decide(found: ClickedPost) -> tuple[str, bool]:
            """Checked and graded on the post as the attempt's transaction reads it."""
            nonlocal graded
            post, exercise = self._check_click(found, clicked)
            if from_panel != isinstance(exercise, FillInTheBlank):
                raise Refused(STALE_BUTTON)
            in_file_letters = as_file_letters(post, exercise, answer)
            try:
                verdict = grade(exercise, in_file_letters)
            except AnswerError as error:
                raise Refused(STALE_BUTTON) from error
            graded = (post, exercise, in_file_letters, verdict)
            return in_file_letters, verdict.is_correct

        try:
            result = await self.store.record_answer(
                post_id=clicked.post_id,
                member_id=clicked.member_id,
                interaction_id=clicked.interaction_id,
                answered_at=self.clock.now(),
                decide=decide,
            )
        except UnknownPost:
            raise Refused(STALE_BUTTON) from None
        assert graded is not None, "decided in the attempt's job"
        post, exercise, answer, verdict = graded
        if result.outcome is AttemptOutcome.ALREADY_SOLVED:
            return render.already_solved()
        order = shown_order(post, exercise)
        if result.outcome is AttemptOutcome.NO_ATTEMPTS_LEFT:
            return render.out_of_attempts(exercise, order)
        if result.outcome is AttemptOutcome.RECORDED:
            if self.counters is not None:
                self.counters.post_changed(post.post_id)
            await self._review_if_final(post, clicked.member_id, result)
        attempt = result.attempt
        assert attempt is not None, "a recorded attempt is returned"
        # The attempt holds the submitted answer, except for a retried interaction: that
        # shows the answer first recorded for it, graded as it was then.
        recorded = verdict if attempt.answer == answer else grade(exercise, attempt.answer)
        feedback = render.Feedback(
            verdict=recorded,
            attempts_left=result.attempts_left,
            points=attempt.points,
            solution_seen_before=result.solution_seen_before,
            forgotten_since_posted=result.forgotten_since_posted,
            earns_points=post.earns_points,
            repeated=result.outcome is AttemptOutcome.REPEATED_ANSWER,
        )
        return render.feedback(exercise, feedback, post_id=post.post_id, order=order)

    async def _review_if_final(self, post: Post, member_id: int, result: AttemptResult) -> None:
        """Once the member solved the post or used every attempt, their card for the
        exercise learns how it went (first try, with help, missed)."""
        attempt = result.attempt
        assert attempt is not None
        if self.reviews is None or not (attempt.correct or result.attempts_left == 0):
            return
        await self.reviews.record(
            guild_id=post.guild_id,
            member_id=member_id,
            exercise_id=post.exercise_id,
            result=final_outcome(
                solved=attempt.correct,
                first_try=attempt.attempt_number == 1,
                hints_used=result.hints_used,
            ),
        )

    async def take_hint(self, clicked: Clicked) -> render.Rendered:
        post, exercise = await self._post_for_click(clicked)
        if not hints_allowed(post.context):
            raise Refused("There are no hints in a test.")
        progress = await self.store.progress_on_post(
            post_id=post.post_id, member_id=clicked.member_id
        )
        number = min(progress.hints_used + 1, len(exercise.hints))
        use = await self.store.use_hint(
            post_id=post.post_id,
            member_id=clicked.member_id,
            hint_number=number,
            used_at=self.clock.now(),
        )
        finished = progress.solved or progress.attempts_left == 0
        cost = 0 if finished else hint_cost(exercise.difficulty)
        return render.hint(exercise, use.hint_number, cost=cost, newly_used=use.newly_used)

    async def run_it(self, clicked: Clicked, answer: str) -> render.Rendered:
        """Run the member's answer in the tutor service (deferred first), and the correct one
        beside it only once the member has solved the post or used every attempt: before,
        the correct run would give the answer away while attempts are left.

        Only an answer the member gave on this post runs: a forged button cannot probe
        the other options.
        """
        post, exercise = await self._post_for_click(clicked, after_closing=True)
        answer = as_file_letters(post, exercise, answer)
        member = clicked.member_id
        if answer not in await self.store.answers_given(post_id=post.post_id, member_id=member):
            raise Refused(STALE_BUTTON)
        progress = await self.store.progress_on_post(post_id=post.post_id, member_id=member)
        finished = progress.solved or progress.attempts_left == 0
        self.runner.allow_run(member, self.clock.now())
        try:
            return await self.runner.compare(
                exercise,
                answer,
                show_correct=finished,
                member=member,
                order=shown_order(post, exercise),
            )
        except AnswerError as error:
            raise Refused(STALE_BUTTON) from error
