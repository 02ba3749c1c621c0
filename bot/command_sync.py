"""Registering the slash commands with Discord once per change, and answering stale ones.

Discord allows 200 command creations a day per server, so the bot never syncs on every
start: it keeps a hash of the command tree it last synced in the store, and at start syncs
only when the tree differs. Until Discord's clients catch up, a member may still run a
command as Discord showed it before: unknown to the bot, or with other options. Such a
command gets a short private answer and one INFO line, never an ERROR.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import discord
from discord import app_commands

from bot.errors import Refused
from bot.store import TutorStore

log = logging.getLogger(__name__)

COMMAND_UPDATED = "This command was updated. Try again in a minute."


def is_stale_command(error: app_commands.AppCommandError) -> bool:
    """Whether Discord sent a command as it was before an update of the bot's commands."""
    if isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
        return True  # removed or renamed since Discord showed it, or its options changed
    # a choice the command no longer offers (e.g. a pack that was removed)
    return isinstance(error, app_commands.TransformerError) and bool(
        getattr(error.transformer, "__discord_app_commands_is_choice__", False)
    )


def tree_hash(tree: app_commands.CommandTree, guild: discord.abc.Snowflake | None = None) -> str:
    """A hash of exactly what `tree.sync(guild=guild)` would send to Discord."""
    payload = sorted(
        (command.to_dict(tree) for command in tree.get_commands(guild=guild)),
        key=lambda definition: (definition.get("type", 1), definition["name"]),
    )
    encoded = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(encoded).hexdigest()


async def sync_if_changed(
    tree: app_commands.CommandTree,
    store: TutorStore,
    now: datetime,
    *,
    guild: discord.abc.Snowflake | None = None,
    force: bool = False,
) -> list[app_commands.AppCommand] | None:
    """Sync the tree to a server (None: globally) if it changed since the last sync.

    Returns what Discord registered, or None when nothing had changed.
    """
    current = tree_hash(tree, guild)
    guild_id = guild.id if guild is not None else None
    if not force and await store.synced_commands(guild_id=guild_id) == current:
        log.info("slash commands unchanged since the last sync; not syncing")
        return None
    synced = await tree.sync(guild=guild)
    await store.record_commands_synced(guild_id=guild_id, tree_hash=current, synced_at=now)
    where = f"server {guild_id}" if guild_id else "all servers"
    log.info("slash commands changed: synced %d to %s", len(synced), where)
    return synced


def stale_command_refusal(
    interaction: discord.Interaction, error: app_commands.AppCommandError
) -> Refused:
    """The answer to a command Discord still shows as it was; logged once, at INFO."""
    data: Mapping[str, Any] = interaction.data or {}
    log.info(
        "/%s arrived as Discord showed it before an update (%s); told the member to retry",
        data.get("name", "?"),
        type(error).__name__,
    )
    return Refused(COMMAND_UPDATED)
