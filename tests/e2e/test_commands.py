"""Slash commands: synced at start only when they changed, and a command that Discord still
shows as it was before an update is answered clearly, privately, with one INFO line."""

from __future__ import annotations

import copy
import dataclasses
import logging
from pathlib import Path
from typing import Any

import discord
import pytest
from discord import app_commands

from bot.command_sync import COMMAND_UPDATED
from bot.sandbox import LoopbackDiscord
from tests.clock import ManualClock
from tests.e2e.bots import e2e_catalog, running_bot
from tests.loopback_fixtures import Scene


def command_syncs(loopback: LoopbackDiscord) -> int:
    """How many times the bot registered its global commands (a PUT of the whole list)."""
    path = f"/applications/{loopback.world.application_id}/commands"
    return sum(1 for r in loopback.requests if r.method == "PUT" and r.path == path)


async def test_commands_are_synced_at_start_only_when_they_changed(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> None:
    database = tmp_path / "tutor.sqlite3"
    catalog = e2e_catalog()
    demo = dataclasses.replace(catalog.packs["demo"], title="Demo pack, renamed")
    renamed = dataclasses.replace(catalog, packs={**catalog.packs, "demo": demo})

    async with running_bot(loopback, scene, manual_clock, database):
        first = command_syncs(loopback)
    async with running_bot(loopback, scene, manual_clock, database):
        unchanged = command_syncs(loopback)
    async with running_bot(loopback, scene, manual_clock, database, catalog=renamed):
        changed = command_syncs(loopback)
    async with running_bot(loopback, scene, manual_clock, database, catalog=renamed):
        again = command_syncs(loopback)

    assert (first, unchanged, changed, again) == (1, 1, 2, 2)
    (practice,) = [c for c in loopback.commands() if c["name"] == "practice"]
    pack = next(option for option in practice["options"] if option["name"] == "pack")
    assert {"name": "Demo pack, renamed", "value": "demo"} in pack["choices"]


def discord_still_shows(loopback: LoopbackDiscord, definition: dict[str, Any]) -> None:
    """Discord's clients offer a command as it was registered before the bot changed."""
    registered = loopback.world.commands[None]
    registered[:] = [c for c in registered if c["name"] != definition["name"]]
    registered.append({"id": str(loopback.world.snowflake()), "type": 1, **definition})


def stale_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "bot.command_sync" and "arrived as" in r.msg]


async def test_a_removed_command_gets_a_clear_private_answer(
    loopback: LoopbackDiscord,
    scene: Scene,
    manual_clock: ManualClock,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.command_sync")
    async with running_bot(loopback, scene, manual_clock, tmp_path / "tutor.sqlite3"):
        discord_still_shows(loopback, {"name": "scoreboard", "description": "Top members"})
        answer = await loopback.reply_to(
            await loopback.run_command(scene.alice, scene.channel, "scoreboard")
        )

    assert answer.ephemeral
    assert answer.content == COMMAND_UPDATED
    (line,) = stale_lines(caplog)
    assert line.levelno == logging.INFO
    assert "/scoreboard" in line.getMessage()
    assert "CommandNotFound" in line.getMessage()
    assert [r for r in caplog.records if r.levelno > logging.INFO or r.exc_info] == []


async def test_a_choice_the_command_no_longer_offers_gets_a_clear_answer(
    loopback: LoopbackDiscord,
    scene: Scene,
    manual_clock: ManualClock,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.command_sync")
    async with running_bot(loopback, scene, manual_clock, tmp_path / "tutor.sqlite3"):
        (practice,) = [c for c in loopback.commands() if c["name"] == "practice"]
        before = copy.deepcopy(practice)  # as it was when a pack since removed was shipped
        pack = next(option for option in before["options"] if option["name"] == "pack")
        pack["choices"].append({"name": "Retired pack", "value": "retired"})
        discord_still_shows(loopback, before)
        answer = await loopback.reply_to(
            await loopback.run_command(scene.alice, scene.channel, "practice", pack="retired")
        )

    assert answer.ephemeral
    assert answer.content == COMMAND_UPDATED
    (line,) = stale_lines(caplog)
    assert "/practice" in line.getMessage()
    assert loopback.messages(scene.channel) == []


async def test_a_command_whose_options_changed_gets_a_clear_answer(
    loopback: LoopbackDiscord,
    scene: Scene,
    manual_clock: ManualClock,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.command_sync")
    async with running_bot(loopback, scene, manual_clock, tmp_path / "tutor.sqlite3") as bot:
        # The bot's /poll became a group of subcommands; Discord still shows the old /poll.
        quiz = app_commands.Group(name="poll", description="Polls")

        @quiz.command(name="show", description="Show the schedule")
        async def show(interaction: discord.Interaction) -> None:
            raise AssertionError("the stale /poll must not reach a subcommand")

        bot.tree.add_command(quiz)
        discord_still_shows(loopback, {"name": "poll", "description": "A poll"})
        answer = await loopback.reply_to(
            await loopback.run_command(scene.alice, scene.channel, "poll")
        )

    assert answer.ephemeral
    assert answer.content == COMMAND_UPDATED
    (line,) = stale_lines(caplog)
    assert "CommandSignatureMismatch" in line.getMessage()


async def test_a_failed_sync_is_tried_again_at_the_next_start(
    loopback: LoopbackDiscord,
    scene: Scene,
    manual_clock: ManualClock,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    database = tmp_path / "tutor.sqlite3"
    loopback.fail("PUT", "/applications/*/commands", status=403, code=50001)
    async with running_bot(loopback, scene, manual_clock, database):
        refused = loopback.commands()  # the bot runs on, with what Discord had
    async with running_bot(loopback, scene, manual_clock, database):
        synced = loopback.commands()

    assert refused == []
    assert "could not sync the slash commands" in caplog.text
    assert command_syncs(loopback) == 2
    assert {c["name"] for c in synced} == {
        "practice",
        "review",
        "stats",
        "leaderboard",
        "test",
        "help",
        "tutor",
        "quiz",
        "forget-me",
    }
