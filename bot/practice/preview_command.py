"""`/preview exercise:`: post one chosen exercise, exactly as /practice would post it.

The sandbox's command for content authors (`make preview PACK=path`): the bot offers it only
when started with `--preview`, which the sandbox does, never a deployment. The exercise is
named by its id (`pack/slug`); typing a part of it suggests ids where Discord (or the loopback)
sends autocomplete, and an unknown id is answered privately with the ids that match.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext.commands import Cog

from bot.errors import Refused
from bot.interactions.components import embed_for, view_for
from bot.moderation.server_settings import MAX_SUGGESTIONS
from exercises import AnyExercise

if TYPE_CHECKING:
    from bot.practice.flow import Practice


def matching(ids: list[str], typed: str) -> list[str]:
    """The ids containing what was typed (any case), in order."""
    wanted = typed.strip().lower()
    return [exercise_id for exercise_id in sorted(ids) if wanted in exercise_id.lower()]


def find(practice: Practice, exercise_id: str) -> AnyExercise:
    exercise = practice.catalog.exercises.get(exercise_id.strip())
    if exercise is None:
        ids = list(practice.catalog.exercises)
        close = matching(ids, exercise_id.rpartition("/")[2]) or sorted(ids)
        shown = ", ".join(f"`{i}`" for i in close[:10]) + (", …" if len(close) > 10 else "")
        raise Refused(f"There is no exercise `{exercise_id[:100]}`. Exercises: {shown}")
    return exercise


class PreviewCommand(Cog):
    """/preview: a top-level command, so a Cog (see bot.practice.commands.PracticeCommands)."""

    def __init__(self, practice: Practice) -> None:
        self.practice = practice

    async def suggest(
        self, interaction: discord.Interaction, typed: str
    ) -> list[app_commands.Choice[str]]:
        found = matching(list(self.practice.catalog.exercises), typed)[:MAX_SUGGESTIONS]
        return [app_commands.Choice(name=exercise_id, value=exercise_id) for exercise_id in found]

    @app_commands.command(
        name="preview", description="Post one exercise by its id, as /practice would"
    )
    @app_commands.describe(exercise="Its id, pack/slug: type a part of it")
    @app_commands.autocomplete(exercise=suggest)
    @app_commands.guild_only()
    async def preview_command(self, interaction: discord.Interaction, exercise: str) -> None:
        practice = self.practice
        chosen = find(practice, exercise)  # a refusal is private and costs nothing
        await interaction.response.defer(thinking=True)
        post, rendered = await practice.create_post(
            chosen, guild_id=interaction.guild_id or 0, channel_id=interaction.channel_id or 0
        )
        message = await interaction.followup.send(
            embed=embed_for(rendered.embed) or discord.utils.MISSING,
            view=view_for(rendered.buttons) or discord.utils.MISSING,
            wait=True,
        )
        await practice.store.set_post_message(post.post_id, message.id)
