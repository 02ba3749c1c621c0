"""Channel permissions as Discord computes them: base permissions from @everyone and roles,
then the channel's overwrites for @everyone, for the member's roles, for the member."""

from __future__ import annotations

import httpx
import pytest

from bot.sandbox import DriverError, LoopbackDiscord
from bot.sandbox.members import command_interaction, interaction_payload
from bot.sandbox.model import ADMINISTRATOR, EMBED_LINKS, SEND_MESSAGES, VIEW_CHANNEL
from tests.loopback_fixtures import Scene

HELP = {"id": "5", "name": "help", "type": 1, "options": []}


def payload_for(loopback: LoopbackDiscord, scene: Scene, channel=None, member=None) -> dict:
    loopback.world.commands[None] = [HELP]
    interaction = command_interaction(
        loopback.world, member or scene.alice, channel or scene.channel, "help", {}
    )
    return interaction_payload(loopback.world, interaction)


def app_permissions(loopback: LoopbackDiscord, scene: Scene, channel=None) -> int:
    return int(payload_for(loopback, scene, channel)["app_permissions"])


async def test_without_overwrites_the_bot_has_its_roles_permissions(
    loopback: LoopbackDiscord, scene: Scene
) -> None:
    granted = app_permissions(loopback, scene)

    bot = loopback.bot_member(scene.guild)
    assert granted == scene.guild.permissions_of(bot)
    needed = VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS
    assert granted & needed == needed


async def test_an_everyone_deny_is_undone_by_a_role_allow_and_a_member_overwrite_wins(
    loopback: LoopbackDiscord, scene: Scene
) -> None:
    guild, channel = scene.guild, scene.channel
    bot = loopback.bot_member(guild)
    (bot_role_id,) = bot.role_ids
    bot_role = guild.roles[bot_role_id]

    await loopback.set_permissions(channel, guild.everyone, deny=SEND_MESSAGES | EMBED_LINKS)
    denied = app_permissions(loopback, scene)
    await loopback.set_permissions(channel, bot_role, allow=SEND_MESSAGES, deny=VIEW_CHANNEL)
    by_role = app_permissions(loopback, scene)
    await loopback.set_permissions(channel, bot, allow=VIEW_CHANNEL, deny=SEND_MESSAGES)
    by_member = app_permissions(loopback, scene)

    assert not denied & SEND_MESSAGES
    assert not denied & EMBED_LINKS
    assert by_role & SEND_MESSAGES  # a role's allow beats @everyone's deny
    assert not by_role & VIEW_CHANNEL
    assert by_member & VIEW_CHANNEL  # the member's own overwrite comes last
    assert not by_member & SEND_MESSAGES
    assert not by_member & EMBED_LINKS


async def test_among_roles_an_allow_wins_over_a_deny(
    loopback: LoopbackDiscord, scene: Scene
) -> None:
    guild, channel = scene.guild, scene.channel
    quiet = loopback.add_role(guild, "quiet")
    helpers = loopback.add_role(guild, "helpers")
    member = loopback.add_member(guild, "carol", roles=(quiet, helpers))
    await loopback.set_permissions(channel, quiet, deny=SEND_MESSAGES)
    await loopback.set_permissions(channel, helpers, allow=SEND_MESSAGES)

    payload = payload_for(loopback, scene, member=member)

    assert int(payload["member"]["permissions"]) & SEND_MESSAGES
    assert int(payload["channel"]["permissions"]) == int(payload["member"]["permissions"])
    assert payload["channel"]["permission_overwrites"] == [
        {"id": str(quiet.id), "type": 0, "allow": "0", "deny": str(SEND_MESSAGES)},
        {"id": str(helpers.id), "type": 0, "allow": str(SEND_MESSAGES), "deny": "0"},
    ]


async def test_administrators_ignore_overwrites(loopback: LoopbackDiscord, scene: Scene) -> None:
    admins = loopback.add_role(scene.guild, "admins", permissions=ADMINISTRATOR)
    admin = loopback.add_member(scene.guild, "root", roles=(admins,))
    await loopback.set_permissions(scene.channel, admin, deny=SEND_MESSAGES)

    payload = payload_for(loopback, scene, member=admin)

    assert int(payload["member"]["permissions"]) & SEND_MESSAGES


async def test_a_member_cannot_run_a_command_where_they_cannot_see(
    loopback: LoopbackDiscord, scene: Scene
) -> None:
    await loopback.set_permissions(scene.channel, scene.alice, deny=VIEW_CHANNEL)

    with pytest.raises(DriverError, match="may not use commands in #practice"):
        payload_for(loopback, scene)


async def test_the_bot_posts_in_a_channel_only_with_view_and_send(
    loopback: LoopbackDiscord, scene: Scene
) -> None:
    bot = loopback.bot_member(scene.guild)
    hidden = loopback.add_channel(scene.guild, "hidden")
    read_only = loopback.add_channel(scene.guild, "read-only")
    await loopback.set_permissions(hidden, bot, deny=VIEW_CHANNEL)
    await loopback.set_permissions(read_only, scene.guild.everyone, deny=SEND_MESSAGES)
    headers = {"Authorization": f"Bot {loopback.token}"}

    async with httpx.AsyncClient(base_url=loopback.api_base, headers=headers) as http:
        answers = [
            await http.post(f"/channels/{channel.id}/messages", json={"content": "hi"})
            for channel in (hidden, read_only, scene.channel)
        ]

    assert [(a.status_code, a.json().get("code")) for a in answers[:2]] == [
        (403, 50001),
        (403, 50013),
    ]
    assert answers[2].status_code == 200
    assert [m.content for m in loopback.messages(scene.channel)] == ["hi"]
