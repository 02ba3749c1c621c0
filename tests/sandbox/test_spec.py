"""Request bodies against Discord's OpenAPI description: the stand-in refuses what Discord would,
and the fixtures fail the test whose bot sent it, with the validation message."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bot.sandbox import LoopbackDiscord
from bot.sandbox.spec import DiscordSpec
from tests.loopback_fixtures import LoggedErrors, RejectedBodies, Scene
from tests.sandbox.echo_bot import EchoBot, Misbehave

pytest_plugins = ["pytester"]


@pytest.fixture
def spec(discord_spec: DiscordSpec | None) -> DiscordSpec:
    if discord_spec is None:
        pytest.skip("DISCORD_OPENAPI_SPEC is not set: no OpenAPI description to validate against")
    return discord_spec


def button(custom_id: str) -> dict[str, object]:
    return {
        "type": 1,
        "components": [{"type": 2, "style": 1, "label": "A", "custom_id": custom_id}],
    }


def test_the_description_accepts_a_message_with_buttons(spec: DiscordSpec) -> None:
    body = {"content": "Which await?", "components": [button("ex:1:A")]}
    assert spec.problem("POST", "/channels/1/messages", body) is None
    assert spec.problem("POST", "/interactions/1/t/callback", {"type": 4, "data": body}) is None


@pytest.mark.parametrize(
    ("path", "body", "blamed"),
    [
        ("/channels/1/messages", {"components": [button("x" * 101)]}, "['custom_id']: 'xxx"),
        ("/interactions/1/t/callback", {"type": 4, "data": {"content": "x" * 2001}}, "['content']"),
        ("/webhooks/1/t/messages/@original", {"embeds": [{"title": "t" * 257}]}, "['title']"),
    ],
)
def test_the_description_names_the_field_it_rejects(
    spec: DiscordSpec, path: str, body: object, blamed: str
) -> None:
    method = "PATCH" if "@original" in path else "POST"
    problem = spec.problem(method, path, body)
    assert problem is not None
    assert blamed in problem
    assert "is too long" in problem


async def test_a_101_character_custom_id_is_refused_like_discord_does(
    loopback: LoopbackDiscord,
    scene: Scene,
    echo_bot: EchoBot,
    misbehave: Misbehave,
    spec: DiscordSpec,
    logged_errors: LoggedErrors,
    rejected_bodies: RejectedBodies,
) -> None:
    misbehave.long_custom_id = True
    rejected_bodies.expect(r"custom_id.*is too long")
    logged_errors.expect(r"50035.*Invalid Form Body")

    await loopback.run_command(scene.alice, scene.channel, "post", title="Too long?")
    refused = await loopback.wait_for_request(lambda r: r.path.endswith("/callback"))

    assert refused.status == 400
    assert refused.template == "/interactions/{interaction_id}/{interaction_token}/callback"
    assert refused.response["code"] == 50035
    assert loopback.messages(scene.channel) == []


def test_a_body_the_description_rejects_fails_the_test_that_sent_it(
    pytester: pytest.Pytester, spec: DiscordSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).parents[2]))
    pytester.makeini("[pytest]\nasyncio_mode = auto\n")
    pytester.makeconftest('pytest_plugins = ["tests.loopback_fixtures", "tests.sandbox.conftest"]')
    pytester.makepyfile(
        test_inner=textwrap.dedent(
            """
            async def test_sends_a_long_custom_id(loopback, scene, echo_bot, misbehave):
                misbehave.long_custom_id = True
                await loopback.run_command(scene.alice, scene.channel, "post", title="?")
                await loopback.wait_for_request(lambda r: r.path.endswith("/callback"))
            """
        )
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*Discord's OpenAPI description rejects what the bot sent*custom_id*is too long*"]
    )
