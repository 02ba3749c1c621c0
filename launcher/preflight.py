"""Every setting of the bot and of the tutor service checked before any process starts.

`make run` (with a token or without: the sandbox), `make sandbox` and `make preview` start
several processes that each read the same settings. Checked only in each child, one bad value
gave its line and then a wait for a service that had already stopped. Here the launcher reads
them all first, as each child will, and stops with one line naming the first one to fix.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.settings import Settings
from config import read_environment
from tutor.config import TutorConfig


def check_settings(environ: Mapping[str, str] | None = None, *, sandbox: bool) -> Settings:
    """The bot's settings, once the tutor service's have been found good too; SettingsError
    names the first bad one. The sandbox sets Discord's own settings itself (the loopback
    Discord), so whatever `.env` says of them is not read there."""
    env = read_environment(environ)
    if sandbox:
        env = {name: value for name, value in env.items() if not name.startswith("DISCORD_")}
    TutorConfig.from_environ(env).check_servable()
    return Settings.from_environment(env, need_token=False)
