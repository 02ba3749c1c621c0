"""What /quiz does, in Discord-free terms: each command takes ids and text, returns the reply.

The Discord layer (bot.quiz.commands) passes who asks (an Actor, as Discord reported it) and
which permissions the bot lacks in the channel; everything is checked here, server-side.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.errors import Refused
from bot.moderation.actions import Actor, is_moderator, not_a_moderator
from bot.quiz import due, questions
from bot.quiz.scheduler import QuizScheduler
from bot.store.quizzes import Quizzes
from bot.store.records import Schedule
from bot.store.server_data import Servers
from exercises import Catalog, Difficulty


class QuizManager:
    def __init__(
        self,
        *,
        quizzes: Quizzes,
        servers: Servers,
        catalog: Catalog,
        clock: Clock,
        scheduler: QuizScheduler,
    ) -> None:
        self.quizzes = quizzes
        self.servers = servers
        self.catalog = catalog
        self.clock = clock
        self.scheduler = scheduler

    async def schedule(
        self,
        *,
        guild_id: int,
        channel_id: int,
        member_id: int,
        actor: Actor,
        at: str,
        zone: str | None,
        pack: str | None,
        difficulty: Difficulty | None,
        count: int,
        missing_permissions: Sequence[str],
        most_missed: int = 0,
    ) -> str:
        await self._require(actor)
        local_time = due.parse_local_time(at)
        zone_name = await self._zone_name(guild_id, zone)
        questions.check_count(self.catalog, pack, difficulty, count)
        _check_most_missed(most_missed, count)
        _require_can_post(channel_id, missing_permissions)
        schedule = await self.quizzes.add_schedule(
            guild_id=guild_id,
            channel_id=channel_id,
            local_time=local_time,
            time_zone=zone_name,
            pack=pack,
            difficulty=difficulty,
            question_count=count,
            created_by=member_id,
            now=self.clock.now(),
            most_missed=most_missed,
        )
        self.scheduler.wake()
        return f"Scheduled daily quiz {describe(schedule, self.clock.now())}."

    async def edit(
        self,
        *,
        guild_id: int,
        schedule_id: int,
        actor: Actor,
        channel_id: int | None = None,
        at: str | None = None,
        zone: str | None = None,
        pack: str | None = None,
        difficulty: Difficulty | None = None,
        count: int | None = None,
        missing_permissions: Sequence[str] = (),
        most_missed: int | None = None,
    ) -> str:
        await self._require(actor)
        schedule = await self._own(guild_id, schedule_id)
        changes: dict[str, object] = {}
        if channel_id is not None:
            _require_can_post(channel_id, missing_permissions)
            changes["channel_id"] = channel_id
        if at is not None:
            changes["local_time"] = due.parse_local_time(at)
        if zone is not None:
            changes["time_zone"] = str(due.parse_zone(zone))
        if pack is not None:
            changes["pack"] = pack
        if difficulty is not None:
            changes["difficulty"] = difficulty.value
        if count is not None:
            changes["question_count"] = count
        if most_missed is not None:
            changes["most_missed"] = most_missed
        if not changes:
            raise Refused(
                "Say what to change: channel, time, timezone, pack, difficulty, count "
                "or most_missed."
            )
        total = count or schedule.question_count
        questions.check_count(
            self.catalog, pack or schedule.pack, difficulty or schedule.difficulty, total
        )
        _check_most_missed(schedule.most_missed if most_missed is None else most_missed, total)
        edited = await self.quizzes.change_schedule(schedule_id, **changes)
        assert edited is not None
        self.scheduler.wake()
        return f"Changed daily quiz {describe(edited, self.clock.now())}."

    async def list(self, *, guild_id: int, actor: Actor) -> str:
        await self._require(actor)
        schedules = await self.quizzes.schedules(guild_id)
        if not schedules:
            return "No daily quizzes here yet. Start one with `/quiz schedule`."
        now = self.clock.now()
        lines = []
        for schedule in schedules:
            state = "paused" if schedule.paused else "active"
            line = f"**{state}** · {describe(schedule, now)}"
            if schedule.last_error:
                line += f"\n  last error: {schedule.last_error}"
            lines.append(line)
        return "\n".join(lines)

    async def pause(self, *, guild_id: int, schedule_id: int, actor: Actor) -> str:
        await self._require(actor)
        await self._own(guild_id, schedule_id)
        paused = await self.quizzes.pause(
            schedule_id, reason=f"paused by <@{actor.member_id}>", now=self.clock.now()
        )
        assert paused is not None
        return f"Paused daily quiz #{schedule_id}. `/quiz resume {schedule_id}` starts it again."

    async def resume(self, *, guild_id: int, schedule_id: int, actor: Actor) -> str:
        await self._require(actor)
        await self._own(guild_id, schedule_id)
        resumed = await self.quizzes.resume(schedule_id, now=self.clock.now())
        assert resumed is not None
        self.scheduler.wake()
        return f"Resumed daily quiz {describe(resumed, self.clock.now())}."

    async def remove(self, *, guild_id: int, schedule_id: int, actor: Actor) -> str:
        await self._require(actor)
        await self._own(guild_id, schedule_id)
        await self.quizzes.remove(schedule_id, now=self.clock.now())
        return f"Removed daily quiz #{schedule_id}. Its past quizzes and answers are kept."

    async def now(self, *, guild_id: int, schedule_id: int, actor: Actor) -> str:
        await self._require(actor)
        schedule = await self._own(guild_id, schedule_id)
        if schedule.paused:
            raise Refused(f"Daily quiz #{schedule_id} is paused; `/quiz resume` it first.")
        posted = await self.scheduler.deliver_today(schedule)
        if not posted:
            raise Refused(
                f"Today's quiz #{schedule_id} has already been posted (one per day, "
                f"in {schedule.time_zone})."
            )
        return f"Posted today's quiz #{schedule_id} in <#{schedule.channel_id}>."

    async def _own(self, guild_id: int, schedule_id: int) -> Schedule:
        schedule = await self.quizzes.schedule(schedule_id)
        if schedule is None or schedule.guild_id != guild_id:
            raise Refused(f"There is no daily quiz #{schedule_id} here. `/quiz list` shows them.")
        return schedule

    async def _zone_name(self, guild_id: int, zone: str | None) -> str:
        if zone is not None:
            return str(due.parse_zone(zone))
        return (await self.servers.settings(guild_id)).time_zone

    async def _require(self, actor: Actor) -> None:
        """Moderators only, checked here whatever Discord showed the member."""
        settings = await self.servers.settings(actor.guild_id)
        if not is_moderator(actor, settings):
            raise not_a_moderator(settings)


def describe(schedule: Schedule, now: datetime) -> str:
    """'#1 in <#ch> at 09:00 Europe/Berlin, pack demo, any difficulty, 2 questions (1 of the
    server's most missed); next ...'"""
    pack = f"pack `{schedule.pack}`" if schedule.pack else "any pack"
    level = schedule.difficulty.value if schedule.difficulty else "any difficulty"
    count = f"{schedule.question_count} question{'s' if schedule.question_count > 1 else ''}"
    if schedule.most_missed:
        count += f" ({schedule.most_missed} of the server's most missed)"
    return (
        f"#{schedule.schedule_id} in <#{schedule.channel_id}> at "
        f"{schedule.local_time:%H:%M} {schedule.time_zone}, {pack}, {level}, {count}; "
        f"{next_due_text(schedule, now)}"
    )


def _check_most_missed(most_missed: int, count: int) -> None:
    """Refuse more questions from the most missed than the quiz has."""
    if not 0 <= most_missed <= count:
        raise Refused(
            f"`most_missed` is how many of the {count} question{'s' if count != 1 else ''} "
            f"are the server's most missed: from 0 to {count}."
        )


def _require_can_post(channel_id: int, missing: Sequence[str]) -> None:
    if missing:
        them = "that permission" if len(missing) == 1 else "those permissions"
        raise Refused(
            f"I cannot post in <#{channel_id}>: I am missing {', '.join(missing)} there. "
            f"Give me {them}, then schedule again."
        )


def next_due_text(schedule: Schedule, now: datetime) -> str:
    """For /quiz list: the next due time in the schedule's zone, or why there is none."""
    if schedule.paused:
        return f"paused ({schedule.pause_reason})"
    zone = ZoneInfo(schedule.time_zone)
    coming = due.next_due(now, schedule.local_time, zone)
    return f"next {coming.due_at.astimezone(zone):%a %d %b %H:%M} {schedule.time_zone}"
