"""Settings: defaults, and a clear message naming the setting for anything missing or bad."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError
from exercises import SHIPPED_PACKS


def test_defaults_need_only_a_token() -> None:
    settings = Settings.from_environment({"DISCORD_TOKEN": "abc"})

    assert settings.database_path == Path("data/tutor.sqlite3")
    assert settings.exercises_path == SHIPPED_PACKS
    assert settings.tutor_url == "http://127.0.0.1:8765"
    assert settings.discord_api_base is None
    assert (settings.health_port, settings.log_format, settings.tutor_secret) == (
        None,
        "text",
        None,
    )


def test_a_missing_token_says_how_to_get_one() -> None:
    with pytest.raises(SettingsError, match=r"DISCORD_TOKEN is not set\. Create an application"):
        Settings.from_environment({})


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("TUTOR_URL", "127.0.0.1:8765", "TUTOR_URL='127.0.0.1:8765' must start with http://"),
        ("DISCORD_GATEWAY_URL", "http://x", "DISCORD_GATEWAY_URL='http://x' must start with ws://"),
        ("TUTOR_TIMEOUT_SECONDS", "soon", "must be a number of seconds"),
        ("COUNTER_EDIT_SECONDS", "0", "must be more than 0"),
        ("EXERCISES_PATH", "/nowhere/at/all", "EXERCISES_PATH='/nowhere/at/all' is not a folder"),
        ("LOG_LEVEL", "loud", "LOG_LEVEL='LOUD' must be DEBUG"),
        ("QUIZ_GRACE_MINUTES", "2h", "QUIZ_GRACE_MINUTES='2h' must be a whole number of minutes"),
        ("QUIZ_GRACE_MINUTES", "1441", "from 0 to 1440, e.g. 120"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT='xml' must be text or json"),
        ("HEALTH_PORT", "http", "HEALTH_PORT='http' must be a TCP port"),
        ("TUTOR_PORT", "99999", "TUTOR_PORT='99999' must be a TCP port, 1 to 65535"),
        ("TUTOR_URL", "http://127.0.0.1:99999", "must name a port from 1 to 65535"),
        ("HEALTH_PORT", "70000", "HEALTH_PORT='70000' must be a TCP port"),
    ],
)
def test_a_bad_setting_is_named(name: str, value: str, words: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_environment({"DISCORD_TOKEN": "abc", name: value})

    assert words in str(raised.value)


def test_a_proxy_base_loses_its_trailing_slash() -> None:
    settings = Settings.from_environment(
        {"DISCORD_TOKEN": "abc", "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10/"}
    )

    assert settings.discord_api_base == "http://127.0.0.1:9/api/v10"


def test_the_quiz_grace_window_defaults_to_two_hours() -> None:
    assert Settings.from_environment({"DISCORD_TOKEN": "abc"}).quiz_grace_minutes == 120
    custom = Settings.from_environment({"DISCORD_TOKEN": "abc", "QUIZ_GRACE_MINUTES": "30"})
    assert custom.quiz_grace_minutes == 30


@pytest.mark.parametrize(
    ("env", "url"),
    [
        ({}, "http://127.0.0.1:8765"),
        ({"TUTOR_PORT": "9100"}, "http://127.0.0.1:9100"),
        ({"TUTOR_HOST": "0.0.0.0", "TUTOR_PORT": "9100"}, "http://127.0.0.1:9100"),
        ({"TUTOR_HOST": "::1"}, "http://[::1]:8765"),
        ({"TUTOR_HOST": "tutor.internal", "TUTOR_PORT": "80"}, "http://tutor.internal:80"),
        ({"TUTOR_PORT": "9100", "TUTOR_URL": "http://elsewhere:1/"}, "http://elsewhere:1"),
    ],
)
def test_the_tutor_is_found_where_its_own_settings_put_it(env: dict[str, str], url: str) -> None:
    settings = Settings.from_environment({"DISCORD_TOKEN": "abc", **env})

    assert settings.tutor_url == url


def test_the_bot_keeps_the_tutors_secret_to_send_it() -> None:
    settings = Settings.from_environment({"DISCORD_TOKEN": "abc", "TUTOR_SECRET": "s"})

    assert settings.tutor_secret is not None
    assert settings.tutor_secret.reveal() == "s"
    assert Settings.from_environment({"DISCORD_TOKEN": "abc"}).tutor_secret is None


def test_database_url_chooses_the_backend() -> None:
    def database(**env: str) -> object:
        return Settings.from_environment({"DISCORD_TOKEN": "abc", **env}).database

    assert database() == Path("data/tutor.sqlite3")
    assert database(DATABASE_PATH="x/t.sqlite3") == Path("x/t.sqlite3")
    assert database(DATABASE_URL="x/t.sqlite3") == Path("x/t.sqlite3")
    assert database(DATABASE_URL="sqlite:///x/t.sqlite3") == Path("x/t.sqlite3")
    assert database(DATABASE_URL="sqlite:////var/t.sqlite3") == Path("/var/t.sqlite3")
    postgres = database(DATABASE_URL="postgresql://tutor:s3cret@db:5432/tutor")
    assert str(postgres) == "postgresql://tutor:***@db:5432/tutor"


def test_database_url_and_database_path_together_are_refused() -> None:
    with pytest.raises(SettingsError, match="DATABASE_URL and DATABASE_PATH are both set"):
        Settings.from_environment(
            {"DISCORD_TOKEN": "abc", "DATABASE_URL": "postgresql://db/t", "DATABASE_PATH": "x"}
        )


def test_a_database_password_never_shows_in_the_settings() -> None:
    settings = Settings.from_environment(
        {"DISCORD_TOKEN": "abc", "DATABASE_URL": "postgresql://tutor:s3cret@db/tutor"}
    )
    assert "s3cret" not in repr(settings)
    assert "postgresql://tutor:***@db/tutor" in repr(settings)
    with pytest.raises(SettingsError) as raised:
        Settings.from_environment({"DISCORD_TOKEN": "abc", "DATABASE_URL": "mysql://u:s3cret@h/d"})
    assert "s3cret" not in str(raised.value)
    assert "DATABASE_URL" in str(raised.value)


@pytest.mark.parametrize(
    ("env", "shards"),
    [
        ({}, (None, None)),
        ({"SHARD_COUNT": "4"}, (4, None)),
        ({"SHARD_COUNT": "4", "SHARD_IDS": "2, 0"}, (4, (0, 2))),
    ],
)
def test_shards(env: dict[str, str], shards: tuple[object, object]) -> None:
    settings = Settings.from_environment({"DISCORD_TOKEN": "abc", **env})
    assert (settings.shard_count, settings.shard_ids) == shards


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"SHARD_IDS": "0"}, "SHARD_IDS='0' needs SHARD_COUNT"),
        ({"SHARD_COUNT": "0"}, "SHARD_COUNT='0' must be a whole number"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "0,2"}, "from 0 to 1"),
    ],
)
def test_bad_shard_settings_are_named(env: dict[str, str], words: str) -> None:
    with pytest.raises(SettingsError, match=words):
        Settings.from_environment({"DISCORD_TOKEN": "abc", **env})
