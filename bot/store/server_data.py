"""What the store keeps per server: settings, moderators' actions, reports, forgetting a
member and deleting a departed server: `store.servers`. A moderator's action is recorded in
the audit log in the same transaction as its effect.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from bot.store.part import Part
from bot.store.records import (
    DEFAULT_FORGET_AFTER_DAYS,
    Audit,
    Forgotten,
    Post,
    ReportAdded,
    ReportSummary,
    ServerSettings,
    from_row,
    post_from_row,
)
from bot.store.review_cards import FORGET as FORGET_CARDS
from bot.store.run import Statement, Tx, insert_or_ignore, insert_or_update, insert_values
from bot.store.tables import (
    GUILD,
    MEMBER,
    POST,
    Id,
    metadata,
    posts,
    reports,
    test_run_questions,
    test_runs,
)
from bot.store.tables import closed_posts as closed
from bot.store.tables import departed_guilds as departed
from bot.store.tables import disabled_exercises as disabled
from bot.store.tables import forgotten_members as forgotten
from bot.store.tables import guild_settings as settings
from bot.store.tables import member_names as names
from bot.store.tables import moderator_actions as actions
from bot.store.tables import practice_channels as practice

t = metadata.tables

GET_SETTINGS = sa.select(settings).where(settings.c.guild_id == GUILD)
PRACTICE_CHANNELS = sa.select(practice.c.channel_id).where(practice.c.guild_id == GUILD)
_SETTINGS = ("time_zone", "moderator_role_id", "log_channel_id", "quiz_role_id",
             "forget_after_days")  # fmt: skip
SAVE_SETTINGS = insert_or_update(settings, ["guild_id"], *_SETTINGS, "updated_at")
CLEAR_PRACTICE = sa.delete(practice).where(practice.c.guild_id == GUILD)
ADD_PRACTICE = insert_values(practice, "guild_id", "channel_id")
AUDIT = insert_values(actions, "guild_id", "moderator_id", "action", "detail", "acted_at")
AUDIT_LOG = (
    sa.select(actions)
    .where(actions.c.guild_id == GUILD)
    .order_by(actions.c.acted_at.desc(), actions.c.action_id.desc())
    .limit(sa.bindparam("limit", type_=sa.Integer()))
)
POST_BY_MESSAGE = sa.select(posts).where(posts.c.message_id == sa.bindparam("message", type_=Id))
RESET_HINTS, RESET_ATTEMPTS = (
    sa.delete(t[name]).where(t[name].c.post_id == POST, t[name].c.member_id == MEMBER)
    for name in ("hints", "attempts")
)
CLOSE_POST = insert_or_ignore(closed, "post_id", "closed_by", "closed_at")
CLOSED_AT = sa.select(closed.c.closed_at).where(closed.c.post_id == POST)
DISABLE = insert_or_ignore(disabled, "guild_id", "exercise_id", "disabled_by", "disabled_at")
_EXERCISE: sa.BindParameter[str] = sa.bindparam("exercise")
ENABLE = sa.delete(disabled).where(
    disabled.c.guild_id == GUILD, disabled.c.exercise_id == _EXERCISE
)
DISABLED = sa.select(disabled.c.exercise_id).where(disabled.c.guild_id == GUILD)
ADD_REPORT = insert_values(
    reports, "guild_id", "post_id", "exercise_id", "content_hash", "member_id", "reason",
    "reported_at",
)  # fmt: skip
_version = sa.and_(
    reports.c.guild_id == GUILD,
    reports.c.exercise_id == _EXERCISE,
    reports.c.content_hash == sa.bindparam("hash"),
)
REPORT_COUNT = sa.select(sa.func.count()).where(_version)
_SINCE: sa.BindParameter[datetime] = sa.bindparam("since", type_=reports.c.reported_at.type)
# A member's reports count once per exercise version (a second one replaces the reason), by
# query: rows that were duplicates before this rule are left as they are.
MEMBERS_REPORT = sa.select(reports.c.report_id).where(_version, reports.c.member_id == MEMBER)
REPLACE_REASON = (
    sa.update(reports)
    .where(reports.c.report_id == sa.bindparam("report", type_=Id))
    .values(reason=sa.bindparam("reason"))
)
MEMBER_REPORTS_SINCE = sa.select(sa.func.count()).where(
    reports.c.guild_id == GUILD, reports.c.member_id == MEMBER, reports.c.reported_at >= _SINCE
)
EXERCISE_REPORTS_SINCE = sa.select(sa.func.count()).where(
    reports.c.guild_id == GUILD, reports.c.exercise_id == _EXERCISE, reports.c.reported_at >= _SINCE
)
REPORTS = (
    sa.select(reports.c.exercise_id, reports.c.content_hash, reports.c.reason)
    .where(reports.c.guild_id == GUILD)
    .order_by(reports.c.reported_at.desc(), reports.c.report_id.desc())
)
_guild_posts = sa.select(posts.c.post_id).where(posts.c.guild_id == GUILD)
_members_runs = sa.and_(test_runs.c.guild_id == GUILD, test_runs.c.member_id == MEMBER)
# /forget-me: the member's rows in one server's posts and runs, children first.
FORGET_COUNTED = tuple(
    sa.delete(table).where(table.c.member_id == MEMBER, where)
    for table, where in (
        (t["attempts"], t["attempts"].c.post_id.in_(_guild_posts)),
        (t["hints"], t["hints"].c.post_id.in_(_guild_posts)),
        (reports, reports.c.guild_id == GUILD),
    )
)
FORGET_QUESTIONS = sa.delete(test_run_questions).where(
    test_run_questions.c.run_id.in_(sa.select(test_runs.c.run_id).where(_members_runs))
)
FORGET_RUNS = sa.delete(test_runs).where(_members_runs)
FORGET_NAME = sa.delete(names).where(names.c.guild_id == GUILD, names.c.member_id == MEMBER)
REMEMBER_FORGOTTEN = insert_or_update(forgotten, ["guild_id", "member_id"], "forgotten_at")
_KEPT_IN = ("posts", "guild_settings", "moderator_actions", "disabled_exercises", "test_runs",
            "quiz_schedules")  # fmt: skip
_kept = sa.union(*(sa.select(t[name].c.guild_id) for name in _KEPT_IN)).subquery()
SERVERS_KEPT = sa.select(_kept.c.guild_id).where(
    _kept.c.guild_id.not_in(sa.select(departed.c.guild_id))
)
SERVER_LEFT = insert_or_ignore(departed, "guild_id", "left_at")
SERVER_RETURNED = sa.delete(departed).where(departed.c.guild_id == GUILD)
DEPARTED = sa.select(
    departed.c.guild_id,
    departed.c.left_at,
    sa.func.coalesce(settings.c.forget_after_days, DEFAULT_FORGET_AFTER_DAYS).label("days"),
).select_from(departed.outerjoin(settings, settings.c.guild_id == departed.c.guild_id))


def _delete_server() -> tuple[sa.Delete, ...]:
    """Everything kept about one server, children before parents."""
    schedules = sa.select(t["quiz_schedules"].c.schedule_id).where(
        t["quiz_schedules"].c.guild_id == GUILD
    )
    deliveries = sa.select(t["quiz_deliveries"].c.delivery_id).where(
        t["quiz_deliveries"].c.schedule_id.in_(schedules)
    )
    runs = sa.select(test_runs.c.run_id).where(test_runs.c.guild_id == GUILD)
    by_post = ("attempts", "hints", "closed_posts")
    by_guild = ("reports", "quiz_schedules", "posts", "test_runs", "guild_settings",
                "practice_channels", "disabled_exercises", "moderator_actions",
                "forgotten_members", "departed_guilds", "member_names",
                "review_cards")  # fmt: skip
    deletes = [sa.delete(t[name]).where(t[name].c.post_id.in_(_guild_posts)) for name in by_post]
    deletes += [
        sa.delete(t["quiz_delivery_posts"]).where(
            t["quiz_delivery_posts"].c.delivery_id.in_(deliveries)
        ),
        sa.delete(t["quiz_deliveries"]).where(t["quiz_deliveries"].c.schedule_id.in_(schedules)),
        sa.delete(test_run_questions).where(test_run_questions.c.run_id.in_(runs)),
    ]
    deletes += [sa.delete(t[name]).where(t[name].c.guild_id == GUILD) for name in by_guild]
    return tuple(deletes)


DELETE_SERVER = _delete_server()


class Servers(Part):
    async def settings(self, guild_id: int) -> ServerSettings:
        row = await self._row(GET_SETTINGS, guild=guild_id)
        channels = await self._rows(PRACTICE_CHANNELS, guild=guild_id)
        practice_ids = frozenset(int(channel["channel_id"]) for channel in channels)
        if row is None:
            return ServerSettings(guild_id, practice_channel_ids=practice_ids)
        return from_row(ServerSettings, row, practice_channel_ids=practice_ids)

    async def save_settings(self, settings: ServerSettings, audit: Audit) -> ServerSettings:
        values = {name: getattr(settings, name) for name in _SETTINGS}
        values |= {"guild_id": settings.guild_id, "updated_at": audit.acted_at}

        async def save(tx: Tx) -> None:
            await tx.execute(SAVE_SETTINGS, values)
            await tx.execute(CLEAR_PRACTICE, {"guild": settings.guild_id})
            for channel_id in sorted(settings.practice_channel_ids):
                channel = {"guild_id": settings.guild_id, "channel_id": channel_id}
                await tx.execute(ADD_PRACTICE, channel)
            await _record(tx, audit)

        await self._write(save)
        return settings

    async def post_by_message(self, message_id: int) -> Post | None:
        row = await self._row(POST_BY_MESSAGE, message=message_id)
        return post_from_row(row) if row is not None else None

    async def reset_attempts(self, *, post_id: int, member_id: int, audit: Audit) -> int:
        values = {"post": post_id, "member": member_id}

        async def reset(tx: Tx) -> int:
            await tx.execute(RESET_HINTS, values)
            deleted = (await tx.execute(RESET_ATTEMPTS, values)).rowcount
            await _record(tx, audit)
            return deleted

        return await self._write(reset)

    async def close_post(self, post_id: int, audit: Audit) -> bool:
        values = {"post_id": post_id, "closed_by": audit.moderator_id, "closed_at": audit.acted_at}
        return await self._audited(audit, CLOSE_POST, values)

    async def closed_at(self, post_id: int) -> datetime | None:
        row = await self._row(CLOSED_AT, post=post_id)
        return row["closed_at"] if row is not None else None

    async def set_exercise_disabled(
        self, *, guild_id: int, exercise_id: str, disabled: bool, audit: Audit
    ) -> bool:
        if not disabled:
            return await self._audited(audit, ENABLE, {"guild": guild_id, "exercise": exercise_id})
        values = {"guild_id": guild_id, "exercise_id": exercise_id}
        values |= {"disabled_by": audit.moderator_id, "disabled_at": audit.acted_at}
        return await self._audited(audit, DISABLE, values)

    async def _audited(self, audit: Audit, statement: Statement, values: dict[str, Any]) -> bool:
        """One change, recorded in the audit log in the same transaction if it changed a row."""

        async def change(tx: Tx) -> bool:
            changed = (await tx.execute(statement, values)).rowcount == 1
            if changed:
                await _record(tx, audit)
            return changed

        return await self._write(change)

    async def disabled_exercises(self, guild_id: int) -> frozenset[str]:
        rows = await self._rows(DISABLED, guild=guild_id)
        return frozenset(str(row["exercise_id"]) for row in rows)

    async def add_report(
        self,
        post: Post,
        *,
        member_id: int,
        reason: str,
        reported_at: datetime,
        since: datetime,
        budget: int,
    ) -> ReportAdded:
        reason = reason.strip()[:500]
        if not reason:
            raise ValueError("a report needs a reason")
        shown = {"exercise_id": post.exercise_id, "content_hash": post.content_hash}
        values = {"guild_id": post.guild_id, "post_id": post.post_id, **shown}
        values |= {"member_id": member_id, "reason": reason, "reported_at": reported_at}
        version = {"guild": post.guild_id, "exercise": post.exercise_id, "hash": post.content_hash}
        exercise = {"guild": post.guild_id, "exercise": post.exercise_id, "since": since}
        member = {"guild": post.guild_id, "member": member_id, "since": since}

        async def add(tx: Tx) -> ReportAdded:
            earlier = int((await tx.execute(EXERCISE_REPORTS_SINCE, exercise)).scalar())
            mine = (await tx.execute(MEMBERS_REPORT, version | {"member": member_id})).one()
            kept, new = True, mine is None
            if mine is not None:
                await tx.execute(REPLACE_REASON, {"reason": reason, "report": mine["report_id"]})
            elif int((await tx.execute(MEMBER_REPORTS_SINCE, member)).scalar()) >= budget:
                kept = new = False
            else:
                await tx.execute(ADD_REPORT, values)
            count = int((await tx.execute(REPORT_COUNT, version)).scalar())
            return ReportAdded(kept, new, count, earlier)

        return await self._write(add)

    async def reports(self, guild_id: int) -> list[ReportSummary]:
        grouped: dict[tuple[str, str], list[str]] = {}
        for row in await self._rows(REPORTS, guild=guild_id):
            grouped.setdefault((row["exercise_id"], row["content_hash"]), []).append(row["reason"])
        summaries = [
            ReportSummary(exercise_id, content_hash, len(reasons), tuple(reasons))
            for (exercise_id, content_hash), reasons in grouped.items()
        ]
        return sorted(summaries, key=lambda summary: -summary.count)  # stable: newest first

    async def audit_log(self, guild_id: int, *, limit: int = 20) -> list[Audit]:
        return [
            from_row(Audit, row) for row in await self._rows(AUDIT_LOG, guild=guild_id, limit=limit)
        ]

    async def forget_member(self, *, guild_id: int, member_id: int, now: datetime) -> Forgotten:
        values = {"guild": guild_id, "member": member_id}
        remembered = {"guild_id": guild_id, "member_id": member_id, "forgotten_at": now}

        async def forget(tx: Tx) -> Forgotten:
            counts = [(await tx.execute(delete, values)).rowcount for delete in FORGET_COUNTED]
            await tx.execute(FORGET_QUESTIONS, values)
            runs = (await tx.execute(FORGET_RUNS, values)).rowcount
            await tx.execute(FORGET_NAME, values)
            await tx.execute(FORGET_CARDS, values)
            await tx.execute(REMEMBER_FORGOTTEN, remembered)
            attempts, hints, reports = counts
            return Forgotten(attempts=attempts, hints=hints, test_runs=runs, reports=reports)

        return await self._write(forget)

    async def servers_kept(self) -> frozenset[int]:
        return frozenset(int(row["guild_id"]) for row in await self._rows(SERVERS_KEPT))

    async def server_left(self, guild_id: int, now: datetime) -> None:
        await self._change(SERVER_LEFT, guild_id=guild_id, left_at=now)

    async def server_returned(self, guild_id: int) -> bool:
        return await self._change(SERVER_RETURNED, guild=guild_id) == 1

    async def delete_departed_servers(self, now: datetime) -> list[int]:
        if now.tzinfo is None:
            raise ValueError(f"now must be an aware datetime, got naive {now!r}")

        async def delete(tx: Tx) -> list[int]:
            due = [
                int(row["guild_id"])
                for row in (await tx.execute(DEPARTED, {})).rows
                if row["left_at"] + timedelta(days=row["days"]) <= now
            ]
            for guild_id in due:
                for statement in DELETE_SERVER:
                    await tx.execute(statement, {"guild": guild_id})
            return due

        return await self._write(delete)


async def _record(tx: Tx, audit: Audit) -> None:
    await tx.execute(AUDIT, asdict(replace(audit, detail=audit.detail[:300])))
