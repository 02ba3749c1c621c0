"""/practice only where the bot may post: checked with the permissions Discord computes for the
bot in the channel and sends with the interaction (the loopback computes them from overwrites)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.sandbox import LoopbackDiscord
from bot.sandbox.model import EMBED_LINKS, SEND_MESSAGES, VIEW_CHANNEL
from tests.clock import ManualClock
from tests.e2e.bots import running_bot
from tests.loopback_fixtures import Scene


@pytest.mark.parametrize(
    ("denied", "named"),
    [
        (VIEW_CHANNEL, "View Channel"),
        (SEND_MESSAGES, "Send Messages"),
        (EMBED_LINKS, "Embed Links"),
        (SEND_MESSAGES | EMBED_LINKS, "Send Messages, Embed Links"),
    ],
    ids=["view", "send", "embed", "send and embed"],
)
async def test_practice_is_refused_where_the_bot_lacks_a_permission(
    loopback: LoopbackDiscord,
    scene: Scene,
    manual_clock: ManualClock,
    tmp_path: Path,
    denied: int,
    named: str,
) -> None:
    # The channel's settings deny it to the bot; members may still use commands there.
    await loopback.set_permissions(scene.channel, loopback.bot_member(scene.guild), deny=denied)
    async with running_bot(loopback, scene, manual_clock, tmp_path / "tutor.sqlite3"):
        refused = await loopback.reply_to(
            await loopback.run_command(scene.alice, scene.channel, "practice", pack="demo")
        )

    assert refused.ephemeral
    assert f"I am missing {named}." in refused.content
    assert loopback.messages(scene.channel) == []  # nothing was posted


async def test_practice_posts_where_a_role_allows_what_everyone_is_denied(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> None:
    guild = scene.guild
    announcements = loopback.add_channel(guild, "announcements")
    (bot_role_id,) = loopback.bot_member(guild).role_ids
    await loopback.set_permissions(announcements, guild.everyone, deny=SEND_MESSAGES)
    await loopback.set_permissions(announcements, guild.roles[bot_role_id], allow=SEND_MESSAGES)
    quiet = loopback.add_channel(guild, "quiet")
    await loopback.set_permissions(quiet, guild.everyone, deny=SEND_MESSAGES)
    database = tmp_path / "tutor.sqlite3"
    async with running_bot(loopback, scene, manual_clock, database, practice_cooldown_seconds=30):
        refused = await loopback.reply_to(
            await loopback.run_command(scene.alice, quiet, "practice", pack="demo")
        )
        posted = await loopback.reply_to(  # right after: the refusal cost no cooldown
            await loopback.run_command(scene.alice, announcements, "practice", pack="demo")
        )

    assert "I am missing Send Messages." in refused.content
    assert not posted.ephemeral
    assert loopback.messages(announcements) == [posted]
