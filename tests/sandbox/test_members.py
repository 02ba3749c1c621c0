"""Members act as Discord's client lets them; the payloads carry what Discord sends."""

from __future__ import annotations

import pytest

from bot.sandbox import DriverError, LoopbackDiscord
from bot.sandbox.members import command_interaction, interaction_payload
from bot.sandbox.model import MANAGE_GUILD
from tests.loopback_fixtures import Scene

QUIZ = {
    "id": "77",
    "name": "quiz",
    "default_member_permissions": str(MANAGE_GUILD),
    "options": [
        {
            "type": 1,
            "name": "schedule",
            "options": [
                {"type": 7, "name": "channel", "required": True},
                {"type": 3, "name": "time", "required": True},
                {"type": 3, "name": "level", "choices": [{"name": "easy", "value": "easy"}]},
            ],
        }
    ],
}


@pytest.fixture
def quiz_registered(loopback: LoopbackDiscord, scene: Scene) -> None:
    loopback.world.commands[scene.guild.id] = [QUIZ]


def test_a_subcommand_with_a_channel_option_arrives_resolved(
    loopback: LoopbackDiscord, scene: Scene, quiz_registered: None
) -> None:
    interaction = command_interaction(
        loopback.world,
        scene.moderator,
        scene.channel,
        "quiz schedule",
        {"channel": scene.channel, "time": "18:00"},
    )
    payload = interaction_payload(loopback.world, interaction)

    (sub,) = payload["data"]["options"]
    assert (sub["type"], sub["name"]) == (1, "schedule")
    assert sub["options"][0] == {"type": 7, "name": "channel", "value": str(scene.channel.id)}
    assert str(scene.channel.id) in payload["data"]["resolved"]["channels"]
    assert int(payload["member"]["permissions"]) & MANAGE_GUILD


@pytest.mark.parametrize(
    ("who", "options", "refusal"),
    [
        ("alice", {"channel": None, "time": "18:00"}, "may not see /quiz"),
        ("moderator", {"time": "18:00"}, "missing: \\['channel'\\]"),
        ("moderator", {"channel": None, "time": "1", "level": "hard"}, "not one of \\['easy'\\]"),
    ],
)
def test_members_cannot_run_what_the_client_would_not_send(
    loopback: LoopbackDiscord, scene: Scene, quiz_registered: None, who, options, refusal
) -> None:
    options = {k: scene.channel if k == "channel" else v for k, v in options.items()}
    with pytest.raises(DriverError, match=refusal):
        command_interaction(
            loopback.world, getattr(scene, who), scene.channel, "quiz schedule", options
        )


def test_an_unregistered_command_cannot_be_run(loopback: LoopbackDiscord, scene: Scene) -> None:
    with pytest.raises(DriverError, match="/practice is not registered"):
        command_interaction(loopback.world, scene.alice, scene.channel, "practice", {})
