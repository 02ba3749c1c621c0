"""Which failures are Discord refusing an answer (counted, one line a minute) and which are
ours (logged with their traceback, the member told); and the summary's rhythm."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import discord
import pytest
from discord import app_commands

from bot.errors import Refused
from bot.interactions.undelivered import Lost, Undelivered, lost_because
from tests.clock import ManualClock


@dataclass
class Answered:
    """What discord.py's exceptions read from an HTTP response: its status and reason."""

    status: int
    reason: str = "..."


def discord_error(status: int, code: int = 0) -> discord.HTTPException:
    body: dict[str, Any] = {"message": "...", "code": code}
    if status >= 500:
        return discord.DiscordServerError(Answered(status), body)
    if status == 404:
        return discord.NotFound(Answered(status), body)
    return discord.HTTPException(Answered(status), body)


@pytest.mark.parametrize(
    ("error", "lost"),
    [
        (discord_error(404, 10062), Lost.EXPIRED),
        (discord_error(400, 40060), Lost.ANSWERED_ELSEWHERE),
        (discord_error(429), Lost.DISCORD_ERROR),
        (discord_error(500), Lost.DISCORD_ERROR),
        (discord_error(503), Lost.DISCORD_ERROR),
        (discord_error(400, 50035), None),  # an invalid body: our bug, worth a traceback
        (discord_error(403, 50013), None),  # a missing permission: the member is told
        (discord_error(404, 10008), None),  # an unknown message
        (Refused("no"), None),
        (RuntimeError("a bug"), None),
    ],
    ids=str,
)
def test_what_counts_as_an_answer_discord_would_not_take(
    error: BaseException, lost: Lost | None
) -> None:
    assert lost_because(error) is lost


def test_a_slash_command_that_expired_is_seen_through_its_wrapper() -> None:
    command = app_commands.Command(name="practice", description="...", callback=_noop)
    wrapped = app_commands.CommandInvokeError(command, discord_error(404, 10062))

    assert lost_because(wrapped) is Lost.EXPIRED


async def _noop(interaction: discord.Interaction) -> None:
    pass


async def test_the_first_is_logged_at_once_then_a_summary_a_minute_while_they_come(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = ManualClock()
    undelivered = Undelivered(clock)
    with caplog.at_level(logging.INFO, logger="bot.interactions.undelivered"):
        for interaction_id in range(1, 4):
            undelivered.note(Lost.EXPIRED, interaction_id)
        undelivered.note(Lost.DISCORD_ERROR, 4)
        await clock.advance(60)
        undelivered.note(Lost.EXPIRED, 5)
        await clock.advance(60)
        await clock.advance(60)  # nothing since: no line
        undelivered.note(Lost.EXPIRED, 6)  # quiet for a minute: logged at once again
        undelivered.close()

    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 4
    assert lines[0].startswith("interaction 1 expired before our answer reached Discord")
    assert lines[1] == (
        "interactions not answered in the last 60 s: 2 expired before our answer reached "
        "Discord (its 3 s were over), 1 not answered: Discord rate limited us or failed "
        "(429 or 5xx)"
    )
    assert lines[2].startswith("interactions not answered in the last 60 s: 1 expired")
    assert lines[3].startswith("interaction 6 expired")
    assert all(record.exc_info is None for record in caplog.records)
    assert undelivered.totals == {Lost.EXPIRED: 5, Lost.DISCORD_ERROR: 1}


async def test_counts_not_yet_summed_up_are_logged_on_close(
    caplog: pytest.LogCaptureFixture,
) -> None:
    undelivered = Undelivered(ManualClock())
    with caplog.at_level(logging.INFO, logger="bot.interactions.undelivered"):
        for interaction_id in range(3):
            undelivered.note(Lost.EXPIRED, interaction_id)
        undelivered.close()

    assert "2 expired" in caplog.records[-1].getMessage()


async def test_answered_by_another_process_is_information_not_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    undelivered = Undelivered(ManualClock())
    with caplog.at_level(logging.INFO, logger="bot.interactions.undelivered"):
        undelivered.note(Lost.ANSWERED_ELSEWHERE, 1)
        undelivered.note(Lost.ANSWERED_ELSEWHERE, 2)
        undelivered.close()

    assert [record.levelno for record in caplog.records] == [logging.INFO, logging.INFO]
    assert "answered by another process first" in caplog.records[0].getMessage()
