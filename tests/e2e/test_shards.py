"""Two bot processes, each running one of two shards, sharing one PostgreSQL database:
members in servers on both shards get their exercises and their answers counted, each by
the process that owns their server's shard."""

from __future__ import annotations

import asyncio
import signal
import sys

import pytest

from bot.sandbox import LoopbackDiscord
from bot.store import TutorStore
from tests.e2e.bots import answer_id
from tests.e2e.test_restart import one_question_pack
from tests.postgres import fresh_schema
from tests.processes import clean_environment


async def start_bot(settings: dict[str, str], folder) -> asyncio.subprocess.Process:
    """`python -m bot` in a folder of its own, with only these settings."""
    folder.mkdir()
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=folder,
        env=clean_environment(settings),
        stderr=asyncio.subprocess.PIPE,
    )


@pytest.mark.postgres
@pytest.mark.loopback_shards(2)
async def test_two_processes_on_two_shards_answer_in_servers_on_both(
    loopback: LoopbackDiscord, tmp_path
) -> None:
    servers = [loopback.add_guild(f"server {number}") for number in range(2)]
    assert {loopback.world.shard_of(guild.id) for guild in servers} == {0, 1}
    places = [(loopback.add_channel(g), loopback.add_member(g, f"alice {g.name}")) for g in servers]
    async with fresh_schema() as url:
        settings = {
            "DISCORD_TOKEN": loopback.token,
            "DISCORD_API_BASE": loopback.api_base,
            "DISCORD_GATEWAY_URL": loopback.gateway_url,
            "EXERCISES_PATH": str(one_question_pack(tmp_path)),
            "TUTOR_URL": "http://127.0.0.1:9",  # no tutor service: Run it is not tested here
            "DATABASE_URL": url.secret(),
            "SHARD_COUNT": "2",
        }
        mark = loopback.session_events
        bots = [
            await start_bot(settings | {"SHARD_IDS": str(shard)}, tmp_path / f"shard-{shard}")
            for shard in (0, 1)
        ]
        try:
            ready = {
                (await loopback.wait_for_session("ready", after=mark + n, within=30)).shard_id
                for n in range(2)
            }
            assert ready == {0, 1}
            answers = []
            for channel, alice in places:
                asked = await loopback.run_command(alice, channel, "practice", pack="demo")
                post = await loopback.reply_to(asked, within=15)
                clicked = await loopback.click(alice, post, answer_id(post, "A"))
                answers.append((await loopback.reply_to(clicked, within=15)).content)
        finally:
            for process in bots:
                process.send_signal(signal.SIGTERM)
            outputs = [await process.communicate() for process in bots]

        assert all("2 attempts left." in answer for answer in answers), answers
        assert [process.returncode for process in bots] == [0, 0]
        for _, stderr in outputs:
            assert b"Traceback" not in stderr
            assert b" ERROR " not in stderr
        async with await TutorStore.open(url) as store:
            kept = await store.servers.servers_kept()
        assert {guild.id for guild in servers} <= kept  # both processes wrote to one database
        for session in loopback.gateway.sessions.values():  # each saw its own server only
            clicked_in = {
                int(frame["d"]["guild_id"])
                for frame in session.sent
                if frame["t"] == "INTERACTION_CREATE"
            }
            assert clicked_in == {
                g.id for g in servers if loopback.world.shard_of(g.id) == session.shard_id
            }


@pytest.mark.postgres
async def test_two_processes_on_the_same_shard_count_a_click_once(
    loopback: LoopbackDiscord, tmp_path
) -> None:
    """A rolling restart: the new process is up before the old one stops, so both receive
    every event of the shard. Each click is answered once and costs one attempt."""
    guild = loopback.add_guild("server")
    channel, alice = loopback.add_channel(guild), loopback.add_member(guild, "alice")
    async with fresh_schema() as url:
        settings = {
            "DISCORD_TOKEN": loopback.token,
            "DISCORD_API_BASE": loopback.api_base,
            "DISCORD_GATEWAY_URL": loopback.gateway_url,
            "EXERCISES_PATH": str(one_question_pack(tmp_path)),
            "TUTOR_URL": "http://127.0.0.1:9",
            "DATABASE_URL": url.secret(),
        }
        mark = loopback.session_events
        bots = [await start_bot(settings, tmp_path / name) for name in ("old", "new")]
        try:
            for n in range(2):
                await loopback.wait_for_session("ready", after=mark + n, within=30)
            asked = await loopback.run_command(alice, channel, "practice", pack="demo")
            post = await loopback.reply_to(asked, within=15)
            post_id = int(next(iter(post.buttons())).split(":")[2])
            clicked = await loopback.click(alice, post, answer_id(post, "A"))
            answer = (await loopback.reply_to(clicked, within=15)).content
        finally:
            for process in bots:
                process.send_signal(signal.SIGTERM)
            outputs = [await process.communicate() for process in bots]
        assert "2 attempts left." in answer
        async with await TutorStore.open(url) as store:
            progress = await store.progress_on_post(post_id=post_id, member_id=alice.id)
        assert progress.attempts_used == 1
        for _, stderr in outputs:  # the process that lost a race says so, calmly
            assert b"Traceback" not in stderr
            assert b" ERROR " not in stderr
        assert b"answered by another process first" in b"".join(err for _, err in outputs)
