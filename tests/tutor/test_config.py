"""The service's settings come from an environment mapping, checked, with safe defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from tutor.config import ConfigError, TutorConfig
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


def test_everything_can_be_set():
    config = TutorConfig.from_environ(
        {
            "TUTOR_HOST": "0.0.0.0",
            "TUTOR_PORT": "9000",
            "TUTOR_SECRET": "s3cret",
            "TUTOR_ALLOWED_HOSTS": "tutor.internal, other",
            "TUTOR_RUN_TIMEOUT": "2.5",
            "TUTOR_MAX_RUNS": "300",
            "TUTOR_BODY_LIMIT": "1000",
            "TUTOR_MEMBER_RUNS_PER_MINUTE": "12",
            "TUTOR_MEMBER_RUNS_AT_ONCE": "2",
            "TUTOR_MAX_CONNECTIONS": "500",
            "TUTOR_PACKS": "/srv/packs",
        }
    )
    assert config == TutorConfig(
        host="0.0.0.0",
        port=9000,
        secret="s3cret",
        allowed_hosts=("tutor.internal", "other"),
        run_timeout=2.5,
        max_concurrent_runs=300,
        body_limit=1000,
        member_runs_per_minute=12,
        member_runs_at_once=2,
        max_connections=500,
        packs=Path("/srv/packs"),
    )
    assert config.example_api_url(9000) == "http://127.0.0.1:9000/example-api"
    assert "tutor.internal" in config.hosts


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("TUTOR_PORT", "http", "TUTOR_PORT='http' is not a int"),
        ("TUTOR_PORT", "70000", "outside"),
        ("TUTOR_RUN_TIMEOUT", "0", "outside"),
        ("TUTOR_MAX_RUNS", "1.5", "is not a int"),
        ("TUTOR_MEMBER_RUNS_PER_MINUTE", "0", "outside"),
        ("TUTOR_MEMBER_RUNS_AT_ONCE", "many", "is not a int"),
        ("TUTOR_MAX_CONNECTIONS", "1", "outside"),
    ],
)
def test_bad_values_are_named(name, value, message):
    with pytest.raises(ConfigError, match=message):
        TutorConfig.from_environ({name: value})
