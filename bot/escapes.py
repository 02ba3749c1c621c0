"""Text members or examples wrote, made plain: no markdown, no mention.

discord.py's own escapes (pure functions of a string), named here once: the Discord-free
modules reach discord through this module only, and the import contracts allow no other way.
"""

from __future__ import annotations

from discord.utils import escape_markdown, escape_mentions

__all__ = ["escape_markdown", "plain"]


def plain(name: str) -> str:
    """A display name as plain text: never markdown, never a mention."""
    return escape_mentions(escape_markdown(name))
