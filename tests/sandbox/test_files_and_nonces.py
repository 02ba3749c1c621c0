"""Attachments are kept and served; a nonce with enforce_nonce creates one message only;
the quiz ping passes the spec check; autocomplete only where an option has it."""

from __future__ import annotations

import io

import aiohttp
import discord
import pytest

from bot.quiz.mentions import quiz_ping
from bot.sandbox import DriverError, LoopbackDiscord
from bot.sandbox.model import ATTACH_FILES
from bot.sandbox.nonces import WINDOW
from tests.clock import ManualClock
from tests.loopback_fixtures import Scene
from tests.sandbox.echo_bot import EchoBot

CODE = b"async def hello(request):\n    return JsonResponse({})\n"


def example_file() -> discord.File:
    return discord.File(io.BytesIO(CODE), filename="example.py")


async def test_an_uploaded_file_is_kept_served_and_kept_through_an_edit(
    loopback: LoopbackDiscord, scene: Scene, echo_bot: EchoBot
) -> None:
    bot_member = loopback.bot_member(scene.guild)
    await loopback.set_permissions(scene.channel, bot_member, allow=ATTACH_FILES)
    channel = echo_bot.get_partial_messageable(scene.channel.id)

    sent = await channel.send("The example", file=example_file())
    (attachment,) = sent.attachments
    read_back = await attachment.read()  # discord.py fetches it from the stand-in's "CDN"
    edited = await sent.edit(content="The example, again")

    assert (attachment.filename, attachment.size) == ("example.py", len(CODE))
    assert attachment.content_type == "text/x-python"
    assert read_back == CODE
    assert [a.id for a in edited.attachments] == [attachment.id]
    (shown,) = loopback.messages(scene.channel)
    assert [a["filename"] for a in shown.payload()["attachments"]] == ["example.py"]
    removed = await sent.edit(attachments=[])
    assert removed.attachments == []


async def test_a_file_needs_attach_files_in_the_channel(
    loopback: LoopbackDiscord, scene: Scene, echo_bot: EchoBot
) -> None:
    channel = echo_bot.get_partial_messageable(scene.channel.id)

    with pytest.raises(discord.Forbidden, match="50013"):
        await channel.send("The example", file=example_file())

    assert loopback.messages(scene.channel) == []


async def test_an_attachment_without_its_file_is_refused(
    loopback: LoopbackDiscord, scene: Scene, echo_bot: EchoBot
) -> None:
    body = {"content": "see file", "attachments": [{"id": 0, "filename": "x.py"}]}
    url = f"{loopback.api_base}/channels/{scene.channel.id}/messages"
    headers = {"Authorization": f"Bot {loopback.token}"}
    async with aiohttp.ClientSession() as http, http.post(url, json=body, headers=headers) as got:
        answer = await got.json()

    assert got.status == 400
    assert answer["code"] == 50035
    assert "no files[0] part" in answer["message"]
    assert loopback.messages(scene.channel) == []


async def test_a_nonce_enforced_creates_one_message_for_a_few_minutes(
    loopback: LoopbackDiscord, scene: Scene, echo_bot: EchoBot, manual_clock: ManualClock
) -> None:
    channel = echo_bot.get_partial_messageable(scene.channel.id)

    first = await channel.send("Quiz at 6", nonce="quiz-2026-11-25")
    again = await channel.send("Quiz at 6", nonce="quiz-2026-11-25")
    other = await channel.send("Quiz at 7", nonce="quiz-2026-11-26")
    await manual_clock.advance(WINDOW.total_seconds() + 1)
    later = await channel.send("Quiz at 6", nonce="quiz-2026-11-25")

    assert again.id == first.id
    assert len({first.id, other.id, later.id}) == 3
    assert [m.content for m in loopback.messages(scene.channel)] == [
        "Quiz at 6",
        "Quiz at 7",
        "Quiz at 6",
    ]
    sent = [r for r in loopback.requests if r.method == "POST" and r.path.endswith("/messages")]
    assert all(r.body["enforce_nonce"] is True for r in sent)


async def test_a_nonce_without_enforce_nonce_is_only_echoed(
    loopback: LoopbackDiscord, scene: Scene, echo_bot: EchoBot
) -> None:
    url = f"{loopback.api_base}/channels/{scene.channel.id}/messages"
    headers = {"Authorization": f"Bot {loopback.token}"}
    answers = []
    async with aiohttp.ClientSession() as http:
        for _ in range(2):
            body = {"content": "twice", "nonce": "n-1"}
            async with http.post(url, json=body, headers=headers) as got:
                answers.append(await got.json())

    assert [answer["nonce"] for answer in answers] == ["n-1", "n-1"]
    assert len(loopback.messages(scene.channel)) == 2


async def test_the_quiz_ping_reaches_the_stand_in_with_that_role_only(
    loopback: LoopbackDiscord, scene: Scene, echo_bot: EchoBot
) -> None:
    role = loopback.world.add_role(scene.guild, "Quizzers", 0)
    text, allowed = quiz_ping(role.id)

    await echo_bot.get_partial_messageable(scene.channel.id).send(
        f"{text} Today's quiz", allowed_mentions=allowed
    )

    (sent,) = [r for r in loopback.requests if r.method == "POST"]
    assert sent.body["allowed_mentions"] == {"parse": [], "roles": [role.id]}
    assert sent.spec_problem is None


async def test_only_an_option_that_autocompletes_can_be_typed_into(
    loopback: LoopbackDiscord, scene: Scene, echo_bot: EchoBot
) -> None:
    with pytest.raises(DriverError, match="option 'title' does not autocomplete"):
        await loopback.autocomplete(scene.alice, scene.channel, "post", "title", "Wh")
