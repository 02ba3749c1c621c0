"""Posting each schedule's daily quiz exactly once per local day, with an injected clock.

Delivery is at least once with duplicates suppressed:

1. The delivery for (schedule, local date) is claimed in a UNIQUE row, together with its
   posts, before anything is sent; a process that loses the INSERT posts nothing.
2. Each message is sent with a nonce derived from the delivery and position, so a retry
   of the same send returns the message Discord already has.
3. A claim whose holder stopped renewing its lease (it crashed) is taken over, inside the
   grace window. Discord keeps nonces only for minutes, so the new holder first looks in
   the channel's recent messages for the posts' own buttons, and sends only what is missing.
4. A day missed while the bot was down is posted if it is still within the grace window,
   otherwise recorded as skipped and logged.
5. A deleted channel or a missing permission fails the delivery, pauses the schedule with
   the reason, and tells the moderators' log channel, instead of retrying forever.
   discord.py itself retries 429s and 5xx; nothing here retries on top of it.

Discord-free: the `Poster` sends and searches; the clock decides when.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import uuid
from collections.abc import Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.errors import Refused
from bot.quiz import chart, due, summary
from bot.quiz.picker import QuestionPicker
from bot.quiz.poster import Poster, PostRefused, PostRenderer
from bot.render import role_mention
from bot.store.quizzes import Quizzes
from bot.store.records import Delivery, DeliveryStatus, Question, Schedule
from bot.store.review_cards import ReviewCards
from bot.store.server_data import Servers
from exercises import Catalog
from exercises.shown_order import post_order

log = logging.getLogger(__name__)

DEFAULT_GRACE = timedelta(hours=2)
LEASE = timedelta(minutes=2)
"""How long a claim is held without renewal; renewed before every message."""
MAX_BACKOFF = timedelta(minutes=30)
"""A send that failed for a passing reason is tried again after 2, 4, 8... minutes, at most this."""
POLL = timedelta(minutes=1)
"""Other processes may add or change schedules: look again at least this often."""


def delivery_nonce(delivery_id: int, position: int) -> str:
    """Discord allows 25 characters; the same delivery and position always give the same nonce."""
    return f"quiz-{delivery_id}-{position}"


class QuizScheduler:
    def __init__(
        self,
        *,
        quizzes: Quizzes,
        catalog: Catalog,
        clock: Clock,
        poster: Poster,
        render_post: PostRenderer,
        servers: Servers,
        cards: ReviewCards,
        grace: timedelta = DEFAULT_GRACE,
        process: str | None = None,
        serves: Callable[[int], bool] = lambda guild_id: True,
    ) -> None:
        self.quizzes = quizzes
        self.serves = serves
        """Whether this process runs a server's quizzes: with several processes (shards),
        each runs only its own servers' schedules, so a quiz is never sent through a
        connection that does not see its channel."""
        self.catalog = catalog
        self.clock = clock
        self.poster = poster
        self.render_post = render_post
        self.grace = grace
        self.servers = servers
        self.picker = QuestionPicker(quizzes=quizzes, servers=servers, cards=cards, catalog=catalog)
        self.process = process or uuid.uuid4().hex[:12]
        self._wake = asyncio.Event()
        self._started = 0
        self._finished = 0
        self._idle = asyncio.Condition()

    async def next_round(self) -> None:
        """Wake `run` and return once a round that began after this call has finished."""
        first_new = self._started + 1
        self.wake()
        async with self._idle:
            await self._idle.wait_for(lambda: self._finished >= first_new)

    def wake(self) -> None:
        """Look at the schedules again now (one was added, changed or resumed)."""
        self._wake.set()

    async def run(self) -> None:
        """Deliver what is due, then sleep until the next due time (or POLL), forever."""
        while True:
            self._wake.clear()  # a wake during the round below makes the next one start at once
            self._started += 1
            try:
                await self.tick()
                seconds = await self._seconds_to_next()
            except Exception:
                log.exception("daily quiz scheduler: a round failed; trying again in a minute")
                seconds = POLL.total_seconds()
            async with self._idle:
                self._finished += 1
                self._idle.notify_all()
            if self._finished == 1:
                log.info("daily quizzes: start-up round done (process %s)", self.process)
            await self._sleep(seconds)

    async def _seconds_to_next(self) -> float:
        now = self.clock.now()
        wait = POLL
        for schedule in await self.quizzes.schedules():
            if not schedule.paused and self.serves(schedule.guild_id):
                coming = due.next_due(now, schedule.local_time, ZoneInfo(schedule.time_zone))
                wait = min(wait, coming.due_at - now)
        return max(wait.total_seconds(), 0.0)

    async def _sleep(self, seconds: float) -> None:
        sleeping = asyncio.ensure_future(self.clock.sleep(seconds))
        woken = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait([sleeping, woken], return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in (sleeping, woken):
                waiter.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await waiter

    async def tick(self) -> None:
        """One round at the clock's now: close yesterday's quizzes (before today's is posted),
        complete stalled claims, then each schedule's day."""
        await self._close_due()
        for stalled in await self.quizzes.stalled(self.clock.now()):
            await self._recover(stalled)
        for schedule in await self.quizzes.schedules():
            if schedule.paused or not self.serves(schedule.guild_id):
                continue
            try:
                await self._deliver_due(schedule)
            except Exception:  # one schedule's failure never holds up the others
                log.exception("daily quiz %d: this round failed", schedule.schedule_id)

    async def _deliver_due(self, schedule: Schedule) -> None:
        now = self.clock.now()
        day = due.latest_due(now, schedule.local_time, ZoneInfo(schedule.time_zone))
        if day.due_at < schedule.active_since:
            return  # due before the schedule was created or resumed: never owed
        if await self.quizzes.has_delivery(schedule.schedule_id, day.local_date):
            return  # claimed, posted or skipped already
        if now - day.due_at > self.grace:
            note = f"missed: the bot was not running within {self.grace} of the due time"
            if await self.quizzes.skip(
                schedule, local_date=day.local_date, due_at=day.due_at, note=note, now=now
            ):
                log.warning(
                    "daily quiz %d for %s skipped: due at %s, more than %s ago",
                    schedule.schedule_id,
                    day.local_date,
                    day.due_at.isoformat(),
                    self.grace,
                )
            return
        chosen = await self._choose(schedule)
        if not chosen:
            return
        delivery = await self.quizzes.claim(
            schedule,
            local_date=day.local_date,
            due_at=day.due_at,
            questions=chosen,
            process=self.process,
            now=now,
            lease_until=now + LEASE,
        )
        if delivery is None:
            log.info(
                "daily quiz %d for %s: another bot process claimed it first",
                schedule.schedule_id,
                day.local_date,
            )
            return
        await self._post(schedule, delivery, recovering=False)

    async def deliver_today(self, schedule: Schedule) -> bool:
        """/quiz now: post today's quiz at once; False if today's was already claimed."""
        now = self.clock.now()
        today = now.astimezone(ZoneInfo(schedule.time_zone)).date()
        chosen = await self._choose(schedule)
        if not chosen:
            return False
        delivery = await self.quizzes.claim(
            schedule,
            local_date=today,
            due_at=now,
            questions=chosen,
            process=self.process,
            now=now,
            lease_until=now + LEASE,
        )
        if delivery is None:
            return False
        if not await self._post(schedule, delivery, recovering=False):
            now_paused = await self.quizzes.schedule(schedule.schedule_id)
            if now_paused is not None and now_paused.paused:
                raise Refused(
                    f"The quiz could not be posted, so it is paused: {now_paused.last_error}"
                )
            raise Refused(
                "Discord did not take the quiz just now; I will try again in a few minutes."
            )
        return True

    async def _choose(self, schedule: Schedule) -> list[Question]:
        try:
            return await self.picker.pick(schedule, self.clock.now())
        except Refused as refused:  # the pack was removed from the catalog since
            await self._pause(schedule, refused.message)
            return []

    async def _recover(self, stalled: Delivery) -> None:
        now = self.clock.now()
        schedule = await self.quizzes.schedule(stalled.schedule_id)
        if schedule is not None and not self.serves(schedule.guild_id):
            return  # another process's server: that process completes it
        if schedule is None or schedule.paused or now - stalled.due_at > self.grace:
            note = "left unfinished by a stopped bot, and no longer due"
            await self.quizzes.finish(
                stalled.delivery_id, DeliveryStatus.SKIPPED, now=now, note=note
            )
            log.warning("daily quiz delivery %d skipped: %s", stalled.delivery_id, note)
            return
        held = await self.quizzes.take_over(
            stalled.delivery_id, process=self.process, now=now, lease_until=now + LEASE
        )
        if held is not None:
            log.info("completing daily quiz delivery %d left unfinished", held.delivery_id)
            await self._post(schedule, held, recovering=True)

    async def _post(self, schedule: Schedule, delivery: Delivery, *, recovering: bool) -> bool:
        """Send what the delivery still lacks; False if it failed (and paused the schedule)."""
        missing = [post for post in delivery.posts if post.message_id is None]
        try:
            if recovering and missing:
                found = await self.poster.find_posts(
                    schedule.channel_id, [post.post_id for post in missing]
                )
                for post_id, message_id in found.items():
                    await self.quizzes.set_post_message(post_id, message_id)
                missing = [post for post in missing if post.post_id not in found]
            for post in missing:
                lease_until = self.clock.now() + LEASE
                if not await self.quizzes.renew(
                    delivery.delivery_id, process=self.process, lease_until=lease_until
                ):
                    return False  # taken over by another process after our lease ran out
                rendered = await self.render_post(post.post_id)
                heading = _heading(schedule, delivery, post.position)
                role = None
                if post.position == 0:
                    role = (await self.servers.settings(schedule.guild_id)).quiz_role_id
                if role is not None:  # the first post only, and nowhere else
                    heading = f"{role_mention(role)} {heading}"
                message_id = await self.poster.send(
                    schedule.channel_id,
                    dataclasses.replace(rendered, content=heading),
                    nonce=delivery_nonce(delivery.delivery_id, post.position),
                    ping_role=role,
                )
                await self.quizzes.set_post_message(post.post_id, message_id)
        except PostRefused as refused:
            now = self.clock.now()
            await self.quizzes.finish(
                delivery.delivery_id, DeliveryStatus.FAILED, now=now, note=refused.reason
            )
            await self._pause(schedule, refused.reason)
            return False
        except Exception as error:  # discord.py has already retried 429s and 5xx
            wait = min(LEASE * 2**delivery.failures, MAX_BACKOFF)
            await self.quizzes.back_off(
                delivery.delivery_id, process=self.process, retry_at=self.clock.now() + wait
            )
            log.warning(
                "daily quiz %d for %s not posted (%s); trying again in %s",
                schedule.schedule_id,
                delivery.local_date,
                error,
                wait,
            )
            return False
        await self.quizzes.finish(delivery.delivery_id, DeliveryStatus.POSTED, now=self.clock.now())
        log.info("daily quiz %d posted for %s", schedule.schedule_id, delivery.local_date)
        return True

    async def _close_due(self) -> None:
        now = self.clock.now()
        for delivery, schedule in await self.quizzes.posted():
            if not self.serves(schedule.guild_id):
                continue
            zone = ZoneInfo(schedule.time_zone)
            closing = summary.closes_at(
                delivery.local_date, delivery.due_at, schedule.local_time, zone
            )
            if now < closing or not await self.quizzes.close(delivery.delivery_id, now=now):
                continue  # still open, or another process closed it
            try:
                await self._post_results(schedule, delivery)
            except PostRefused as refused:
                log.warning(
                    "results of daily quiz delivery %d not posted: %s",
                    delivery.delivery_id,
                    refused.reason,
                )
            except Exception:  # the next quiz is still posted
                log.exception("results of daily quiz delivery %d failed", delivery.delivery_id)

    async def _post_results(self, schedule: Schedule, delivery: Delivery) -> None:
        results = await self.results(delivery)
        message_id = await self.poster.send_results(
            schedule.channel_id,
            summary.summary_text(results),
            await asyncio.to_thread(chart.pick_rate_chart, results),
            nonce=f"quiz-{delivery.delivery_id}-results",
        )
        await self.quizzes.set_summary_message(delivery.delivery_id, message_id)

    async def results(self, delivery: Delivery) -> summary.QuizResults:
        scorers = tuple(
            summary.Scorer(row["member_id"], row["display_name"], row["points"], row["solves"])
            for row in await self.quizzes.scorers(delivery.delivery_id)
        )
        questions = []
        for post in delivery.posts:
            exercise = self.catalog.exercises.get(post.exercise_id)
            answered, solved = await self.quizzes.question_counts(post.post_id)
            picks = await self.quizzes.first_picks(post.post_id)
            blanks = (
                summary.blanks_of(
                    post_order(exercise, post.post_id, post.option_order),
                    exercise.answer_key,
                    picks,
                )
                if exercise is not None
                else ()
            )
            title = exercise.title if exercise is not None else post.exercise_id
            questions.append(summary.QuestionResult(title, answered, solved, blanks))
        return summary.QuizResults(delivery.local_date, scorers, tuple(questions))

    async def _pause(self, schedule: Schedule, reason: str) -> None:
        await self.quizzes.pause(
            schedule.schedule_id, reason=reason, now=self.clock.now(), error=True
        )
        log.warning("daily quiz %d paused: %s", schedule.schedule_id, reason)
        text = (
            f"Paused daily quiz #{schedule.schedule_id} in <#{schedule.channel_id}>: {reason} "
            f"Fix that, then run `/quiz resume {schedule.schedule_id}`."
        )
        try:
            await self.poster.tell_moderators(schedule.guild_id, text)
        except PostRefused as refused:
            log.warning(
                "could not tell the moderators of server %d: %s", schedule.guild_id, refused.reason
            )


def _heading(schedule: Schedule, delivery: Delivery, position: int) -> str:
    total = len(delivery.posts)
    number = f" · question {position + 1}/{total}" if total > 1 else ""
    return f"**Daily quiz** · {delivery.local_date:%A %d %B}{number}"
