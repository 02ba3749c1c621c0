"""The import-linter contract that keeps bot.store apart names the rest of the bot as it is:
a module or package added to bot/ is forbidden to the store from the day it exists."""

import pkgutil
import tomllib
from pathlib import Path

import bot

PYPROJECT = Path(__file__).resolve().parents[3] / "pyproject.toml"


def test_the_store_contract_forbids_discord_and_every_other_part_of_the_bot() -> None:
    contracts = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]["contracts"]
    (store,) = [c for c in contracts if c.get("source_modules") == ["bot.store"]]
    parts = {f"bot.{m.name}" for m in pkgutil.iter_modules(bot.__path__)} - {"bot.store"}
    assert "bot.app" in parts  # the listing found the bot's modules
    assert set(store["forbidden_modules"]) == {"discord", *parts}
