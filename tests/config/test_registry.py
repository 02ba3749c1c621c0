"""The one registry of settings: complete, read the same way by both processes, and the docs
generated from it."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from bot.settings import Settings
from config import BY_NAME, SETTINGS, Reader, SettingsError, read_environment
from config.docs import TABLE_PAGE, env_example, page_with_table, settings_table
from tutor.config import TutorConfig

ROOT = Path(__file__).resolve().parents[2]


class Recording(Mapping[str, str]):
    """A mapping of variables that remembers which names were asked for."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self.values = dict(values)
        self.asked: set[str] = set()

    def __getitem__(self, name: str) -> str:
        self.asked.add(name)
        return self.values[name]

    def get(self, name: str, default: object = None) -> object:  # type: ignore[override]
        self.asked.add(name)
        return self.values.get(name, default)

    def __contains__(self, name: object) -> bool:
        if isinstance(name, str):
            self.asked.add(name)
        return name in self.values

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)


def names_read_by(reader: Reader) -> set[str]:
    return {s.name for s in SETTINGS if s.reader in (reader, Reader.BOTH)}


def test_each_process_reads_exactly_the_settings_the_registry_gives_it() -> None:
    bot_env = Recording({"DISCORD_TOKEN": "t"})
    Settings.from_environment(bot_env)
    tutor_env = Recording({})
    TutorConfig.from_environ(tutor_env)

    assert bot_env.asked == names_read_by(Reader.BOT)
    assert tutor_env.asked == names_read_by(Reader.TUTOR)


def test_every_setting_is_declared_once_with_a_meaning() -> None:
    assert len(BY_NAME) == len(SETTINGS)
    for setting in SETTINGS:
        assert re.fullmatch(r"[A-Z][A-Z_]+", setting.name)
        assert setting.meaning
        assert setting.default
        assert setting.type


def test_the_settings_table_of_the_deploy_page_is_the_registrys() -> None:
    page = (ROOT / TABLE_PAGE).read_text(encoding="utf-8")

    assert settings_table() in page
    assert page_with_table(page) == page, "run `.venv/bin/python -m config docs`"
    for setting in SETTINGS:
        assert f"| `{setting.name}` |" in page


def test_env_example_is_the_registrys_and_sets_nothing() -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")

    assert example == env_example(), "run `.venv/bin/python -m config docs`"
    assert read_environment({}, ROOT / ".env.example") == {}
    assert [line[2:-1] for line in example.splitlines() if line.endswith("=")] == [
        setting.name for setting in SETTINGS
    ]


def test_env_file_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("TUTOR_PORT=9001\nTUTOR_HOST=127.0.0.1\nNOT_A_SETTING=x\n")

    env = read_environment({"TUTOR_HOST": "::1", "PATH": "/bin"}, dotenv)

    assert env == {"TUTOR_PORT": "9001", "TUTOR_HOST": "::1"}
    assert Settings.from_environment({"DISCORD_TOKEN": "t", **env}).tutor_url == (
        "http://[::1]:9001"
    )
    assert TutorConfig.from_environ(env).port == 9001


@pytest.mark.parametrize(
    "package",
    [
        "config",
        "exercises",
        "bot",
        "bot/practice",
        "bot/moderation",
        "bot/members",
        "bot/quiz",
        "bot/interactions",
        "tutor",
        "wire",
        "launcher",
    ],
)
def test_the_architecture_names_every_module(package: str) -> None:
    """docs/architecture.md stays true: each module of each package is placed in it."""
    picture = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    modules = [path.name for path in (ROOT / package).glob("*.py") if path.name != "__init__.py"]

    assert modules
    assert [name for name in modules if name not in picture] == []


def test_a_env_file_key_close_to_a_setting_is_a_typo_and_others_are_left_alone(
    tmp_path: Path,
) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("POSTGRES_PASSWORD=x\nCOMPOSE_PROJECT_NAME=tutor\nTUTOR_PROT=9000\n")

    with pytest.raises(SettingsError) as raised:
        read_environment({}, dotenv)
    assert str(raised.value) == (
        f"{dotenv} sets TUTOR_PROT, which is no setting: did you mean TUTOR_PORT?"
    )

    dotenv.write_text("POSTGRES_PASSWORD=x\nCOMPOSE_PROJECT_NAME=tutor\n")  # compose's own
    assert read_environment({}, dotenv) == {}


BOT_DEFAULTS = {
    "DATABASE_PATH": "database_path",
    "TUTOR_TIMEOUT_SECONDS": "tutor_timeout_seconds",
    "COUNTER_EDIT_SECONDS": "counter_edit_seconds",
    "QUIZ_GRACE_MINUTES": "quiz_grace_minutes",
    "LOG_LEVEL": "log_level",
    "LOG_FORMAT": "log_format",
    "HEALTH_HOST": "health_host",
}
TUTOR_DEFAULTS = {
    "TUTOR_HOST": "host",
    "TUTOR_PORT": "port",
    "TUTOR_RUN_TIMEOUT": "run_timeout",
    "TUTOR_MAX_RUNS": "max_concurrent_runs",
    "TUTOR_REPORT_BODY_CHARS": "report_body_chars",
    "TUTOR_MEMBER_RUNS_PER_MINUTE": "member_runs_per_minute",
    "TUTOR_MEMBER_RUNS_AT_ONCE": "member_runs_at_once",
    "TUTOR_MAX_CONNECTIONS": "max_connections",
    "LOG_FORMAT": "log_format",
}


def test_every_default_the_docs_show_is_the_one_each_process_uses() -> None:
    """docs/deploy.md's defaults (rendered from the registry) are what an empty environment
    gives the bot and the tutor service."""
    bot = Settings.from_environment({"DISCORD_TOKEN": "t"})
    tutor = TutorConfig.from_environ({})
    shown = {setting.name: setting.default.strip("`") for setting in SETTINGS}

    assert {name: str(getattr(bot, field)) for name, field in BOT_DEFAULTS.items()} == {
        name: str(type(getattr(bot, field))(shown[name])) for name, field in BOT_DEFAULTS.items()
    }
    assert {name: str(getattr(tutor, field)) for name, field in TUTOR_DEFAULTS.items()} == {
        name: str(type(getattr(tutor, field))(shown[name]))
        for name, field in TUTOR_DEFAULTS.items()
    }
    assert bot.tutor_url == f"http://{shown['TUTOR_HOST']}:{shown['TUTOR_PORT']}"
    literal = {name for name, text in shown.items() if text != BY_NAME[name].default}
    assert literal == {*BOT_DEFAULTS, *TUTOR_DEFAULTS, "TUTOR_URL"}  # each one checked here
