"""No secret in any repr, log line or traceback: the token, TUTOR_SECRET, a URL's password.

One test covers every settings object; every setting the registry flags as a secret is set.
"""

from __future__ import annotations

import logging
import traceback

import httpx
import pytest

from bot.__main__ import warn_if_tutor_missing
from bot.practice.tutor_client import TutorClient
from bot.settings import Settings
from config import SETTINGS, Secret, redact_url
from tutor.config import TutorConfig

TOKEN = "discord-token-sentinel"
SHARED = "tutor-secret-sentinel"
PASSWORD = "url-password-sentinel"
SENTINELS = (TOKEN, SHARED, PASSWORD)

ENV = {
    "DISCORD_TOKEN": TOKEN,
    "TUTOR_SECRET": SHARED,
    "TUTOR_URL": f"http://tutor:{PASSWORD}@127.0.0.1:9/",
    "DISCORD_API_BASE": f"https://bot:{PASSWORD}@proxy.example/api/v10",
    "DISCORD_GATEWAY_URL": f"wss://bot:{PASSWORD}@proxy.example/gateway",
    "DATABASE_URL": f"postgresql://tutor:{PASSWORD}@db.example:5432/tutor?password={PASSWORD}",
}
SETTINGS_OBJECTS = [
    pytest.param(lambda: Settings.from_environment(ENV), id="bot Settings"),
    pytest.param(lambda: TutorConfig.from_environ(ENV), id="tutor TutorConfig"),
]


def shows_no_secret(text: str) -> bool:
    return not any(sentinel in text for sentinel in SENTINELS)


def test_every_secret_of_the_registry_is_set_here() -> None:
    assert {setting.name for setting in SETTINGS if setting.secret} <= set(ENV)


@pytest.mark.parametrize("build", SETTINGS_OBJECTS)
def test_no_secret_in_the_repr_str_or_a_traceback(build) -> None:
    settings = build()

    def failing(settings: object) -> None:
        raise RuntimeError("start-up failed")

    try:
        failing(settings)
    except RuntimeError as error:
        formatted = "".join(
            traceback.TracebackException.from_exception(error, capture_locals=True).format()
        )

    assert "Secret('***')" in repr(settings)
    assert shows_no_secret(repr(settings))
    assert shows_no_secret(str(settings))
    assert shows_no_secret(f"{settings!r} {settings}")
    assert "settings = " in formatted
    assert shows_no_secret(formatted)


def test_the_secrets_are_still_there_for_whoever_sends_them() -> None:
    settings = Settings.from_environment(ENV)
    config = TutorConfig.from_environ(ENV)

    assert settings.discord_token == Secret(TOKEN)
    assert settings.discord_token.reveal() == TOKEN
    assert settings.tutor_secret is not None
    assert settings.tutor_secret.reveal() == SHARED
    assert config.secret is not None
    assert config.secret.reveal() == SHARED
    assert PASSWORD in settings.tutor_url


def test_a_url_keeps_everything_but_its_password() -> None:
    assert redact_url("http://u:pw@host:1/x?q=1") == "http://u:***@host:1/x?q=1"
    assert redact_url("http://host:1/x") == "http://host:1/x"
    assert redact_url("postgresql://h/db?sslmode=require&password=pw&ssl") == (
        "postgresql://h/db?sslmode=require&password=***&ssl"
    )


async def test_the_tutor_address_is_logged_without_its_password(
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = Settings.from_environment(ENV)
    async with httpx.AsyncClient() as http:
        client = TutorClient(http, settings.tutor_url, timeout=1.0)
        with caplog.at_level(logging.INFO, logger="bot"):
            await warn_if_tutor_missing(client)

    assert "the tutor service at http://tutor:***@127.0.0.1:9 is not answering" in caplog.text
    assert shows_no_secret(caplog.text)
