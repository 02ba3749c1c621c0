"""The service's settings come from an environment mapping, checked, with safe defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import Secret, SettingsError
from tutor.config import TutorConfig
from tutor.settings import django_settings


def test_defaults_bind_loopback_with_debug_off():
    config = TutorConfig.from_environ({})
    assert (config.host, config.port, config.secret) == ("127.0.0.1", 8765, None)
    assert config.max_concurrent_runs >= 200
    assert 1 <= config.run_timeout <= 10
    settings = django_settings(config)
    assert settings["DEBUG"] is False
    assert settings["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost", "[::1]"]
    assert settings["MIDDLEWARE"] == ["tutor.middleware.guard"]


def test_everything_can_be_set(tmp_path: Path):
    config = TutorConfig.from_environ(
        {
            "TUTOR_HOST": "0.0.0.0",
            "TUTOR_PORT": "9000",
            "TUTOR_SECRET": "s3cret",
            "TUTOR_ALLOWED_HOSTS": "tutor.internal, other",
            "TUTOR_RUN_TIMEOUT": "2.5",
            "TUTOR_MAX_RUNS": "300",
            "TUTOR_REPORT_BODY_CHARS": "1000",
            "TUTOR_MEMBER_RUNS_PER_MINUTE": "12",
            "TUTOR_MEMBER_RUNS_AT_ONCE": "2",
            "TUTOR_MAX_CONNECTIONS": "500",
            "EXERCISES_PATH": str(tmp_path),
        }
    )
    assert config == TutorConfig(
        host="0.0.0.0",
        port=9000,
        secret=Secret("s3cret"),
        allowed_hosts=("tutor.internal", "other"),
        run_timeout=2.5,
        max_concurrent_runs=300,
        report_body_chars=1000,
        member_runs_per_minute=12,
        member_runs_at_once=2,
        max_connections=500,
        packs=tmp_path,
    )
    assert config.example_api_url(9000) == "http://127.0.0.1:9000/example-api"
    assert "tutor.internal" in config.hosts


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("TUTOR_PORT", "http", "TUTOR_PORT='http' is not a whole number"),
        ("TUTOR_PORT", "70000", "outside"),
        ("TUTOR_RUN_TIMEOUT", "0", "outside"),
        ("TUTOR_MAX_RUNS", "1.5", "is not a whole number"),
        ("EXERCISES_PATH", "/nowhere/at/all", "EXERCISES_PATH='/nowhere/at/all' is not a folder"),
        ("TUTOR_MEMBER_RUNS_PER_MINUTE", "0", "outside"),
        ("TUTOR_MEMBER_RUNS_AT_ONCE", "many", "is not a whole number"),
        ("TUTOR_MAX_CONNECTIONS", "1", "outside"),
    ],
)
def test_bad_values_are_named(name, value, message):
    with pytest.raises(SettingsError, match=message):
        TutorConfig.from_environ({name: value})


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.7", "tutor.internal"])
def test_beyond_loopback_without_a_secret_it_refuses_to_serve(host):
    config = TutorConfig.from_environ({"TUTOR_HOST": host})
    with pytest.raises(SettingsError) as refused:
        config.check_servable()
    assert str(refused.value) == (
        f"TUTOR_HOST={host!r} is reachable from other machines and TUTOR_SECRET is not set; "
        "set TUTOR_SECRET (the bot sends it too) or TUTOR_HOST=127.0.0.1"
    )


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_on_loopback_no_secret_is_needed(host):
    TutorConfig.from_environ({"TUTOR_HOST": host}).check_servable()


def test_beyond_loopback_with_a_secret_it_serves():
    TutorConfig.from_environ({"TUTOR_HOST": "0.0.0.0", "TUTOR_SECRET": "s"}).check_servable()
