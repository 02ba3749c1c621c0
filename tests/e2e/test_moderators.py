"""Moderators configure the server and use their tools, end to end through the loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest

from bot.app import TutorBot
from bot.interactions.components import embed_for, view_for
from bot.interactions.custom_ids import Report
from bot.practice.flow import CLOSED_POST
from bot.sandbox import DriverError, LoopbackDiscord, Member, Message
from bot.sandbox.model import SEND_MESSAGES
from tests.clock import ManualClock
from tests.e2e.bots import running_bot
from tests.e2e.moderators import (
    Server,
    ask,
    click_letter,
    known_to_the_bot,
    let_everyone_see,
    link_to,
    multiple_choice,
    post_id_of,
    server_with_bot,
)
from tests.loopback_fixtures import Scene


@pytest.fixture
async def server(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> AsyncIterator[tuple[Server, TutorBot]]:
    async with server_with_bot(loopback, scene, manual_clock, tmp_path / "t.sqlite3") as running:
        yield running


async def configure(loopback: LoopbackDiscord, server: Server) -> str:
    scene = server.scene
    saved = await ask(
        loopback,
        scene.moderator,
        scene.channel,
        "tutor config",
        time_zone="Europe/Paris",
        moderator_role=server.helpers,
        add_practice_channel=scene.channel,
        log_channel=server.mod_log,
        quiz_role=server.quizzers,
    )
    return saved.content


async def test_a_moderator_configures_the_server_and_a_member_is_refused_with_a_reason(
    loopback: LoopbackDiscord, server: tuple[Server, TutorBot]
) -> None:
    place, _ = server
    scene = place.scene
    suggested = await loopback.autocomplete(
        scene.moderator, scene.channel, "tutor config", "time_zone", "europe/pa"
    )
    saved = await configure(loopback, place)
    shown = await ask(loopback, scene.moderator, scene.channel, "tutor config")

    assert {"name": "Europe/Paris", "value": "Europe/Paris"} in suggested
    assert len(suggested) <= 25
    assert saved.startswith("Saved: time zone: Europe/Paris; moderator role:")
    assert "Time zone: Europe/Paris" in shown.content
    assert f"Moderator role: <@&{place.helpers.id}>" in shown.content
    assert f"/practice channels: <#{scene.channel.id}>" in shown.content
    assert f"Moderators' log: <#{place.mod_log.id}>" in shown.content
    assert f"Daily quiz ping: <@&{place.quizzers.id}>" in shown.content
    # Members without Manage Server do not see /tutor at all...
    with pytest.raises(DriverError, match="may not see /tutor"):
        await loopback.run_command(scene.alice, scene.channel, "tutor config")
    # ...and if an admin shows it to everyone, the bot still refuses, saying why; the
    # configured role is enough.
    let_everyone_see(loopback, scene, "tutor")
    refused = await ask(loopback, scene.alice, scene.channel, "tutor config", time_zone="UTC")
    assert refused.ephemeral
    assert refused.content == (
        "Only moderators can do this: it needs the Manage Server permission "
        f"or the <@&{place.helpers.id}> role, and you have neither."
    )
    still = await ask(loopback, place.helper, scene.channel, "tutor config")
    assert "Time zone: Europe/Paris" in still.content
    bad = await ask(loopback, scene.moderator, scene.channel, "tutor config", time_zone="Mars/Base")
    assert bad.content.startswith("`time_zone`: 'Mars/Base' is not an IANA time zone.")


async def test_practice_is_refused_outside_the_configured_channels(
    loopback: LoopbackDiscord, server: tuple[Server, TutorBot]
) -> None:
    place, _ = server
    scene = place.scene
    anywhere = await ask(loopback, scene.alice, place.general, "practice", pack="demo")
    await configure(loopback, place)

    refused = await ask(loopback, scene.alice, place.general, "practice", pack="demo")
    allowed = await ask(loopback, scene.alice, scene.channel, "practice", pack="demo")

    assert not anywhere.ephemeral  # before any channel was set, anywhere was fine
    assert refused.ephemeral
    assert refused.content == (
        f"`/practice` is not used in this channel on this server. Use it in <#{scene.channel.id}>."
    )
    assert loopback.messages(place.general) == [anywhere]
    assert not allowed.ephemeral
    assert allowed.embeds


def footer(message: Message) -> str:
    return str(message.embeds[0]["footer"]["text"]) if message.embeds else ""


async def test_a_reset_gives_a_member_their_attempts_back(
    loopback: LoopbackDiscord, server: tuple[Server, TutorBot], manual_clock: ManualClock
) -> None:
    place, bot = server
    scene = place.scene
    post = await known_to_the_bot(bot, await multiple_choice(loopback, scene))
    for letter in "ACB":  # wrong, wrong, right: her three attempts are used
        await click_letter(loopback, scene.alice, post, letter)
    out = await click_letter(loopback, scene.alice, post, "A")
    await manual_clock.advance(5)  # the counters' coalesced edit
    await loopback.wait_for_message(
        lambda m: m.id == post.id and footer(m).startswith("1 member has answered · 1 solved")
    )

    done = await ask(
        loopback,
        scene.moderator,
        scene.channel,
        "tutor reset",
        member=scene.alice,
        post=link_to(post),
    )
    await manual_clock.advance(5)
    counted_again = await loopback.wait_for_message(
        lambda m: m.id == post.id and footer(m).startswith("0 members have answered · 0 solved")
    )
    again = await click_letter(loopback, scene.alice, post, "A")

    assert footer(counted_again).startswith("0 members")  # the counters forget her answers
    assert out.content == "You have already solved this one. Try `/practice` for another."
    assert done.content.startswith(f"Reset: <@{scene.alice.id}> has every attempt back")
    assert again.content.startswith("❌ Not quite.")
    assert "2 attempts left." in again.content


async def test_a_closed_posts_buttons_say_so_and_take_no_answer(
    loopback: LoopbackDiscord, server: tuple[Server, TutorBot]
) -> None:
    place, bot = server
    scene = place.scene
    post = await known_to_the_bot(bot, await multiple_choice(loopback, scene))
    letter_a = next(iter(post.buttons()))

    done = await ask(loopback, scene.moderator, scene.channel, "tutor close", post=str(post.id))
    closed = await loopback.wait_for_message(
        lambda message: message.id == post.id and bool(message.history)
    )
    forged = await loopback.reply_to(await loopback.click(scene.bob, closed, letter_a, forged=True))

    assert done.content.startswith("Closed: that post takes no more answers")
    buttons = closed.buttons().values()
    assert all(button["disabled"] for button in buttons)
    assert all(button["label"].startswith("🔒") for button in buttons)
    assert closed.embeds[0]["footer"]["text"].startswith("Closed by a moderator")
    with pytest.raises(DriverError, match="disabled"):
        await loopback.click(scene.alice, closed, letter_a)
    assert forged.content == CLOSED_POST


async def test_a_disabled_exercise_is_never_posted_again_here(
    loopback: LoopbackDiscord, server: tuple[Server, TutorBot]
) -> None:
    place, _ = server
    scene = place.scene
    suggested = await loopback.autocomplete(
        scene.moderator, scene.channel, "tutor disable", "exercise", "async-vi"
    )
    done = await ask(
        loopback, scene.moderator, scene.channel, "tutor disable", exercise="demo/define-async-view"
    )
    refused = await ask(
        loopback, scene.alice, scene.channel, "practice", pack="demo", difficulty="medium"
    )
    posted = [await ask(loopback, scene.alice, scene.channel, "practice") for _ in range(8)]

    assert suggested == [{"name": "demo/define-async-view", "value": "demo/define-async-view"}]
    assert done.content == "`demo/define-async-view` is disabled: it is no longer posted here."
    assert refused.content == (
        "No exercise matches that pack and difficulty that moderators have not disabled here."
    )
    titles = {message.embeds[0]["title"] for message in posted}
    assert titles
    assert "Define an async view" not in titles
    enabled = await ask(
        loopback, scene.moderator, scene.channel, "tutor enable", exercise="demo/define-async-view"
    )
    back = await multiple_choice(loopback, scene)
    assert enabled.content.endswith("can be posted here again.")
    assert not back.ephemeral


async def test_a_report_through_the_modal_reaches_the_log_channel_and_the_list(
    loopback: LoopbackDiscord, server: tuple[Server, TutorBot]
) -> None:
    place, _ = server
    scene = place.scene
    await configure(loopback, place)
    post = await multiple_choice(loopback, scene)

    opened = await loopback.click(scene.bob, post, Report(post_id_of(post)).to_id())
    with pytest.raises(DriverError, match="input 'reason' needs"):
        await loopback.submit_modal(scene.bob, opened, reason="")  # the client refuses it
    submitted = await loopback.submit_modal(
        scene.bob, opened, reason="Option C is right too: `@everyone` ```"
    )
    thanks = await loopback.reply_to(submitted)
    logged = await loopback.wait_for_message(lambda m: m.channel_id == place.mod_log.id)
    listed = await ask(loopback, scene.moderator, scene.channel, "tutor reports")

    assert thanks.ephemeral
    assert thanks.content == "Thank you: the moderators will look at it."
    assert logged.content.startswith(f"⚠️ <@{scene.bob.id}> reported `demo/define-async-view`")
    assert "`Option C is right too: '@everyone' '''`" in logged.content
    sent = await loopback.wait_for_request(
        lambda r: r.path == f"/channels/{place.mod_log.id}/messages"
    )
    assert sent.body["allowed_mentions"] == {"parse": []}
    assert "`demo/define-async-view` (current version): 1 report:" in listed.content
    assert "Option C is right too" in listed.content


async def test_the_audit_lists_what_moderators_did(
    loopback: LoopbackDiscord, server: tuple[Server, TutorBot]
) -> None:
    place, bot = server
    scene = place.scene
    mod = scene.moderator
    await configure(loopback, place)
    post = await known_to_the_bot(bot, await multiple_choice(loopback, scene))
    await click_letter(loopback, scene.alice, post, "A")
    await ask(loopback, mod, scene.channel, "tutor reset", member=scene.alice, post=link_to(post))
    await ask(loopback, mod, scene.channel, "tutor close", post=link_to(post))
    await ask(loopback, mod, scene.channel, "tutor disable", exercise="demo/gather")
    let_everyone_see(loopback, scene, "tutor")  # the Helpers role moderates too
    await ask(loopback, place.helper, scene.channel, "tutor enable", exercise="demo/gather")

    audit = await ask(loopback, mod, scene.channel, "tutor audit")

    lines = audit.content.splitlines()
    assert lines[0].startswith("**Recent moderator actions**")
    actions = [line.split("**")[1] for line in lines[1:]]
    assert actions == ["enable", "disable", "close", "reset", "config"]
    assert f"<@{place.helper.id}> **enable** demo/gather" in lines[1]
    assert f"<@{mod.id}> **reset** attempts of <@{scene.alice.id}>" in lines[4]
    assert "time zone: Europe/Paris" in lines[5]


async def test_a_report_form_opened_before_a_restart_is_received_after_it(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> None:
    database = tmp_path / "t.sqlite3"
    async with server_with_bot(loopback, scene, manual_clock, database):
        post = await multiple_choice(loopback, scene)
        opened = await loopback.click(scene.bob, post, Report(post_id_of(post)).to_id())
        await loopback.wait_for_request(lambda r: r.path.startswith(f"/interactions/{opened.id}/"))
    async with running_bot(loopback, scene, manual_clock, database) as bot:
        thanks = await loopback.reply_to(
            await loopback.submit_modal(scene.bob, opened, reason="typo in B")
        )
        listed = await bot.practice.store.servers.reports(scene.guild.id)

    assert thanks.content == "Thank you: the moderators will look at it."
    assert [(summary.count, summary.reasons) for summary in listed] == [(1, ("typo in B",))]


async def test_a_log_channel_the_bot_cannot_write_in_is_saved_with_a_warning(
    loopback: LoopbackDiscord, server: tuple[Server, TutorBot]
) -> None:
    place, _ = server
    scene = place.scene
    bot_member = loopback.bot_member(scene.guild)
    await loopback.set_permissions(place.mod_log, bot_member, deny=SEND_MESSAGES)

    saved = await ask(
        loopback, scene.moderator, scene.channel, "tutor config", log_channel=place.mod_log
    )

    assert saved.content.startswith(f"Saved: moderators' log: <#{place.mod_log.id}>.")
    assert saved.content.endswith(
        f"⚠️ The bot cannot send messages in <#{place.mod_log.id}>: allow it there."
    )


async def test_an_id_no_message_can_have_is_named_in_one_line(
    loopback: LoopbackDiscord, server: tuple[Server, TutorBot]
) -> None:
    """20 digits: once an OverflowError in the store and the generic apology."""
    place, _ = server
    scene = place.scene
    impossible = "99999999999999999999"

    closing = await ask(loopback, scene.moderator, scene.channel, "tutor close", post=impossible)
    resetting = await ask(
        loopback, scene.moderator, scene.channel, "tutor reset", member=scene.alice, post=impossible
    )

    for answer in (closing, resetting):
        assert answer.ephemeral
        assert answer.content.startswith(f"`post`: {impossible} cannot be a Discord id")
        assert "\n" not in answer.content


async def test_a_post_whose_message_was_never_recorded_can_be_closed_and_reset(
    loopback: LoopbackDiscord, server: tuple[Server, TutorBot], manual_clock: ManualClock
) -> None:
    """The bot stopped between sending a post and recording its message: the post still
    takes answers, so moderators find it by the post id its buttons carry."""
    place, bot = server
    scene = place.scene
    exercise = bot.practice.catalog.get("demo/define-async-view")
    _, rendered = await bot.practice.create_post(
        exercise, guild_id=scene.guild.id, channel_id=scene.channel.id
    )
    sent = await bot.get_partial_messageable(scene.channel.id).send(
        embed=embed_for(rendered.embed) or discord.utils.MISSING, view=view_for(rendered.buttons)
    )  # ... and no set_post_message: the crash
    post = await loopback.wait_for_message(lambda message: message.id == sent.id)
    await click_letter(loopback, scene.alice, post, "A")
    assert await bot.practice.store.servers.post_by_message(post.id) is None

    reset = await ask(
        loopback,
        scene.moderator,
        scene.channel,
        "tutor reset",
        member=scene.alice,
        post=str(post.id),
    )
    closed = await ask(loopback, scene.moderator, place.general, "tutor close", post=link_to(post))
    shown = await loopback.wait_for_message(lambda m: m.id == post.id and bool(m.history))

    assert reset.content.startswith(f"Reset: <@{scene.alice.id}> has every attempt back")
    assert "(1 removed)" in reset.content
    assert closed.content.startswith("Closed: that post takes no more answers")
    assert all(button["disabled"] for button in shown.buttons().values())
    elsewhere = await ask(
        loopback, scene.moderator, place.general, "tutor close", post=str(post.id)
    )
    assert elsewhere.content == "That post was closed already."  # recorded now: found anywhere


async def test_a_member_flooding_reports_is_counted_once_and_the_log_hears_once_an_hour(
    loopback: LoopbackDiscord, server: tuple[Server, TutorBot], manual_clock: ManualClock
) -> None:
    """Forty reports in seconds from one member were forty lines in the log channel and
    "41 reports": now one report (the last reason), and one line per exercise per hour."""
    place, _ = server
    scene = place.scene
    await configure(loopback, place)
    post = await multiple_choice(loopback, scene)
    carol = loopback.add_member(scene.guild, "carol")

    async def report_as(member: Member, reason: str) -> Message:
        opened = await loopback.click(member, post, Report(post_id_of(post)).to_id())
        return await loopback.reply_to(await loopback.submit_modal(member, opened, reason=reason))

    flood = [await report_as(scene.bob, f"spam {n}") for n in range(40)]
    same_hour = await report_as(scene.alice, "C is right too")
    listed = await ask(loopback, scene.moderator, scene.channel, "tutor reports")
    lines_within_the_hour = [m.content for m in loopback.messages(place.mod_log)]
    await manual_clock.advance(3600)
    next_hour = await report_as(carol, "the hint gives it away")
    lines = [m.content for m in loopback.messages(place.mod_log)]

    assert flood[0].content == "Thank you: the moderators will look at it."
    assert flood[-1].content == "Thank you: your report on this exercise now gives this reason."
    assert same_hour.content == flood[0].content
    assert "`demo/define-async-view` (current version): 2 reports: `C is right too`; `spam 39`" in (
        listed.content
    )
    assert len(lines_within_the_hour) == 1
    assert "`spam 0`. 1 report on this version" in lines_within_the_hour[0]
    assert next_hour.ephemeral
    assert len(lines) == 2
    assert "3 reports on this version" in lines[1]
