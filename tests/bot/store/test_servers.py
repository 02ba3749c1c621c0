"""The contract of `store.servers`: settings, moderators' actions, reports and forgetting."""

import dataclasses
from datetime import timedelta

from bot.store import Audit, ServerSettings
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


async def test_reports_are_counted_per_version_of_an_exercise(store):
    old = await post(store, "demo/one")
    fixed = dataclasses.replace(await post(store, "demo/one"), content_hash="fixed")
    servers = store.servers
    assert await servers.add_report(old, member_id=ALICE, reason="B is right too", reported_at=NOON)
    later = NOON + timedelta(hours=1)
    assert await servers.add_report(old, member_id=BOB, reason=" typo ", reported_at=later) == 2
    assert await servers.add_report(fixed, member_id=BOB, reason="still", reported_at=later) == 1

    summaries = await servers.reports(GUILD)
    assert [(s.content_hash, s.count, s.reasons) for s in summaries] == [
        ("3f2a9c1d", 2, ("typo", "B is right too")),
        ("fixed", 1, ("still",)),
    ]
    assert await servers.reports(OTHER_GUILD) == []


async def test_forgetting_removes_a_member_and_old_posts_earn_them_nothing(store):
    old = await post(store, "demo/one", attempt_limit=3)
    await answer(store, old.post_id, ALICE, correct=True)
    await answer(store, old.post_id, BOB, correct=True)
    await store.servers.add_report(old, member_id=ALICE, reason="hm", reported_at=NOON)
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
