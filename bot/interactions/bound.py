"""Slash commands written as classes: each command a method, bound to the object it belongs to.

discord.py binds a Group's (or a Cog's) commands to it, but the bound copies share their
options' definitions and checks with the class. The options whose choices come from the
packs a bot loaded, and a check that depends on its settings, are the object's own: two bots
in one process (the tests) may have loaded different packs.
"""

from __future__ import annotations

from typing import Any

from discord import app_commands

Choices = list[app_commands.Choice[str]]


def bound(command: app_commands.Command[Any, ..., Any], to: object, **choices: Choices) -> Any:
    """`command` (declared on `to`'s class) as a command of `to` alone, offering `choices`."""
    own: app_commands.Command[Any, ..., Any] = app_commands.Command(
        name=command.name,
        description=command.description,
        callback=command.callback.__get__(to),
        nsfw=command.nsfw,
        extras=command.extras,
    )
    return app_commands.choices(**choices)(own) if choices else own


def offer(group: app_commands.Group, command_name: str, **choices: Choices) -> None:
    """Give the group's `command_name` these choices (the others keep their place and order:
    what Discord is sent, and the hash bot.command_sync keeps, stay as they were)."""
    commands = group.commands
    for command in commands:
        group.remove_command(command.name)
    for command in commands:
        if command.name == command_name and isinstance(command, app_commands.Command):
            command = bound(command, group, **choices)
        group.add_command(command)
