"""The issue's "done when": the real discord.py client, over loopback, end to end."""

from __future__ import annotations

import discord

from bot.sandbox import LoopbackDiscord
from tests.loopback_fixtures import Scene
from tests.sandbox.echo_bot import EchoBot


async def test_a_bot_connects_syncs_posts_buttons_and_answers_a_click_ephemerally(
    loopback: LoopbackDiscord, scene: Scene, echo_bot: EchoBot
) -> None:
    assert echo_bot.is_ready()
    assert [guild.id for guild in echo_bot.guilds] == [scene.guild.id]
    assert {c["name"] for c in loopback.commands(scene.guild)} == {
        "post",
        "slow",
        "announce",
        "rename",
    }

    asked = await loopback.run_command(
        scene.alice,
        scene.channel,
        "post",
        title="Which await?",
        level="hard",
        where=scene.channel,
        who=scene.bob,
    )
    post = await loopback.reply_to(asked)
    assert post.content == "**Which await?** (hard). in practice. for bob."
    assert not post.ephemeral
    assert list(post.buttons()) == [f"echo:pick:{letter}" for letter in "ABCD"]
    assert loopback.messages(scene.channel) == [post]

    clicked = await loopback.click(scene.alice, post, "echo:pick:B")
    answer = await loopback.reply_to(clicked)
    assert answer.content == "You picked B."
    assert answer.ephemeral
    assert loopback.ephemeral_replies(scene.alice) == [answer]
    assert loopback.ephemeral_replies(scene.bob) == []
    assert loopback.messages(scene.channel) == [post]  # nobody else sees the answer

    assert all(request.status is not None and request.status < 400 for request in loopback.requests)
    assert all(
        request.authorization == f"Bot {loopback.token}"
        for request in loopback.requests
        if not request.path.startswith(("/interactions/", "/webhooks/"))
    )


async def test_a_deferred_answer_is_thinking_until_the_first_follow_up_replaces_it(
    loopback: LoopbackDiscord, scene: Scene, echo_bot: EchoBot
) -> None:
    slow = await loopback.run_command(scene.alice, scene.channel, "slow")

    answer = await loopback.reply_to(slow)
    second = await loopback.wait_for_message(lambda m: m.content == "One more thing.")

    assert answer.content == "Thought about it."
    assert answer.id == slow.original_id  # the loading message became the answer
    assert answer.history[0]["flags"] & 128  # it was "thinking..." first
    assert loopback.ephemeral_replies(scene.alice) == [answer, second]
    assert loopback.messages(scene.channel) == []


async def test_a_bot_cannot_edit_a_members_message(
    loopback: LoopbackDiscord, scene: Scene, echo_bot: EchoBot, logged_errors
) -> None:
    said = await loopback.say(scene.bob, scene.channel, "hello")
    logged_errors.expect(r"50005.*Cannot edit a message authored by another user")

    await loopback.run_command(
        scene.alice, scene.channel, "rename", message_id=str(said.id), text="bye"
    )
    refused = await loopback.wait_for_request(lambda r: r.method == "PATCH")

    assert refused.status == 403
    assert said.content == "hello"
    assert isinstance(echo_bot, discord.Client)
