"""The one mention the bot may make: the quiz role set in `/tutor config`, when a daily quiz
is posted. Everything else the bot sends mentions nobody (the client's AllowedMentions.none())."""

from __future__ import annotations

import discord

from bot.render import role_mention


def quiz_ping(quiz_role_id: int | None) -> tuple[str, discord.AllowedMentions]:
    """The text to put first in a daily quiz's message, and the mentions that lets through:
    that role only, never @everyone, users or other roles."""
    if quiz_role_id is None:
        return "", discord.AllowedMentions.none()
    allowed = discord.AllowedMentions(
        everyone=False, users=False, roles=[discord.Object(quiz_role_id)], replied_user=False
    )
    return role_mention(quiz_role_id), allowed
