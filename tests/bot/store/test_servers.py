"""The contract of `store.servers`: settings, moderators' actions, reports and forgetting."""

import dataclasses
from datetime import timedelta

from bot.store import Audit, ReportAdded, ServerSettings
from exercises.progress import Period
from tests.bot.store.test_contract import ALICE, BOB, GUILD, NOON, OTHER_GUILD, PARIS, answer, post

MOD = 1_300_000_000_000_000_099


def audit(action, detail="", at=NOON, guild_id=GUILD):
    return Audit(guild_id, MOD, action, detail, at)


async def test_a_server_without_settings_has_the_defaults(store):
    settings = await store.servers.settings(GUILD)
    assert settings == ServerSettings(GUILD)
    assert settings.time_zone == "UTC"
    assert settings.forget_after_days == 30
    assert settings.practice_channel_ids == frozenset()


async def test_settings_read_back_and_the_change_is_in_the_audit(store):
    wanted = ServerSettings(
        GUILD,
        time_zone="Europe/Paris",
        moderator_role_id=11,
        practice_channel_ids=frozenset({21, 22}),
        log_channel_id=31,
        quiz_role_id=41,
        forget_after_days=7,
    )
    await store.servers.save_settings(wanted, audit("config", "time zone Europe/Paris"))
    fewer = dataclasses.replace(wanted, practice_channel_ids=frozenset({22}))
    later = NOON + timedelta(minutes=1)
    await store.servers.save_settings(fewer, audit("config", "channels", at=later))

    assert await store.servers.settings(GUILD) == fewer
    assert await store.servers.settings(OTHER_GUILD) == ServerSettings(OTHER_GUILD)
    log = await store.servers.audit_log(GUILD)
    assert [(entry.action, entry.detail) for entry in log] == [
        ("config", "channels"),
        ("config", "time zone Europe/Paris"),
    ]
    assert (log[0].moderator_id, log[0].acted_at) == (MOD, later)


async def test_a_reset_gives_one_member_their_attempts_back(store):
    made = await post(store, attempt_limit=2)
    for member in (ALICE, BOB):
        await answer(store, made.post_id, member, correct=False)
        await answer(store, made.post_id, member, correct=False)

    deleted = await store.servers.reset_attempts(
        post_id=made.post_id, member_id=ALICE, audit=audit("reset")
    )

    assert deleted == 2
    alice = await store.progress_on_post(post_id=made.post_id, member_id=ALICE)
    bob = await store.progress_on_post(post_id=made.post_id, member_id=BOB)
    assert (alice.attempts_left, bob.attempts_left) == (2, 0)


async def test_closing_twice_records_once(store):
    made = await post(store)
    assert await store.servers.closed_at(made.post_id) is None
    assert await store.servers.close_post(made.post_id, audit("close"))
    assert not await store.servers.close_post(made.post_id, audit("close"))
    assert await store.servers.closed_at(made.post_id) == NOON
    assert [entry.action for entry in await store.servers.audit_log(GUILD)] == ["close"]


async def test_disabled_exercises_are_per_server(store):
    servers = store.servers
    args = {"guild_id": GUILD, "exercise_id": "demo/one"}
    assert await servers.set_exercise_disabled(**args, disabled=True, audit=audit("disable"))
    assert not await servers.set_exercise_disabled(**args, disabled=True, audit=audit("disable"))
    assert await servers.disabled_exercises(GUILD) == {"demo/one"}
    assert await servers.disabled_exercises(OTHER_GUILD) == frozenset()
    assert await servers.set_exercise_disabled(**args, disabled=False, audit=audit("enable"))
    assert await servers.disabled_exercises(GUILD) == frozenset()


async def report(servers, made, member, reason, at=NOON, *, since=NOON, budget=5):
    return await servers.add_report(
        made, member_id=member, reason=reason, reported_at=at, since=since, budget=budget
    )


async def test_reports_are_counted_per_version_of_an_exercise(store):
    old = await post(store, "demo/one")
    fixed = dataclasses.replace(await post(store, "demo/one"), content_hash="fixed")
    servers = store.servers
    assert (await report(servers, old, ALICE, "B is right too")).count == 1
    later = NOON + timedelta(hours=1)
    assert (await report(servers, old, BOB, " typo ", later)).count == 2
    assert (await report(servers, fixed, BOB, "still", later)).count == 1

    summaries = await servers.reports(GUILD)
    assert [(s.content_hash, s.count, s.reasons) for s in summaries] == [
        ("3f2a9c1d", 2, ("typo", "B is right too")),
        ("fixed", 1, ("still",)),
    ]
    assert await servers.reports(OTHER_GUILD) == []


async def test_a_members_reports_on_one_version_count_once_the_last_reason_kept(store):
    made = await post(store, "demo/one")
    servers = store.servers

    added = [await report(servers, made, ALICE, f"reason {n}") for n in range(40)]

    assert added[0] == ReportAdded(kept=True, new=True, count=1, earlier_on_exercise=0)
    assert added[-1] == ReportAdded(kept=True, new=False, count=1, earlier_on_exercise=1)
    (summary,) = await servers.reports(GUILD)
    assert (summary.count, summary.reasons) == (1, ("reason 39",))


async def test_a_member_has_a_budget_of_new_reports_since_a_moment(store):
    posts = [await post(store, f"demo/e{n}") for n in range(4)]
    servers = store.servers
    hour = NOON + timedelta(minutes=10)

    kept = [
        (await report(servers, made, ALICE, "x", hour, since=NOON, budget=3)).kept for made in posts
    ]
    others = await report(servers, posts[3], BOB, "x", hour, since=NOON, budget=3)
    next_hour = NOON + timedelta(hours=1)
    later = await report(servers, posts[3], ALICE, "x", next_hour, since=next_hour, budget=3)

    assert kept == [True, True, True, False]  # the fourth is not written
    assert others.kept  # the budget is each member's
    assert others.count == 1
    assert (later.kept, later.new, later.count) == (True, True, 2)


async def test_earlier_reports_on_the_exercise_are_counted_since_a_moment(store):
    old = await post(store, "demo/one")
    fixed = dataclasses.replace(await post(store, "demo/one"), content_hash="fixed")
    servers = store.servers
    first = await report(servers, old, ALICE, "x")
    second = await report(servers, fixed, BOB, "y", NOON + timedelta(minutes=5))
    next_hour = NOON + timedelta(hours=1)
    third = await report(servers, old, BOB, "z", next_hour, since=next_hour)

    assert [first.earlier_on_exercise, second.earlier_on_exercise] == [0, 1]  # any version
    assert third.earlier_on_exercise == 0


async def test_forgetting_removes_a_member_and_old_posts_earn_them_nothing(store):
    old = await post(store, "demo/one", attempt_limit=3)
    await answer(store, old.post_id, ALICE, correct=True)
    await answer(store, old.post_id, BOB, correct=True)
    await report(store.servers, old, ALICE, "hm")
    forgot_at = NOON + timedelta(hours=1)

    forgotten = await store.servers.forget_member(guild_id=GUILD, member_id=ALICE, now=forgot_at)

    assert (forgotten.attempts, forgotten.reports) == (1, 1)
    board = await store.leaderboard(guild_id=GUILD, period=Period.ALL_TIME, now=forgot_at, tz=PARIS)
    assert [entry.member_id for entry in board] == [BOB]
    again = await answer(store, old.post_id, ALICE, correct=True, at=forgot_at)
    assert (again.attempt.correct, again.attempt.points) == (True, 0)
    new = await post(store, "demo/two", posted_at=forgot_at + timedelta(minutes=1))
    later = await answer(store, new.post_id, ALICE, correct=True, at=forgot_at)
    assert later.attempt.points > 0


async def test_a_departed_server_is_deleted_after_its_grace_period_unless_it_returns(store):
    servers = store.servers
    await servers.save_settings(
        ServerSettings(GUILD, forget_after_days=2), audit("config", "forget after 2 days")
    )
    made = await post(store)
    await answer(store, made.post_id, ALICE, correct=True)
    kept = await post(store, guild_id=OTHER_GUILD)
    assert await servers.servers_kept() == {GUILD, OTHER_GUILD}
    await servers.server_left(GUILD, NOON)
    await servers.server_left(OTHER_GUILD, NOON)
    assert await servers.servers_kept() == frozenset()
    assert await servers.server_returned(OTHER_GUILD)
    assert await servers.servers_kept() == {OTHER_GUILD}

    assert (
        await servers.delete_departed_servers(NOON + timedelta(days=2) - timedelta(seconds=1)) == []
    )
    assert await servers.delete_departed_servers(NOON + timedelta(days=2)) == [GUILD]

    assert await store.get_post(made.post_id) is None
    assert await servers.settings(GUILD) == ServerSettings(GUILD)
    assert await servers.audit_log(GUILD) == []
    assert await store.get_post(kept.post_id) is not None
    assert await servers.delete_departed_servers(NOON + timedelta(days=90)) == []
