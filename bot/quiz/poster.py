"""What the quiz scheduler asks of Discord, in its own terms: send a post, find posts already
sent, tell the moderators, post results; and how Discord refuses for good. Implemented by
bot/quiz/discord_poster.py; tests may give their own.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from bot.render import Rendered


class PostRefused(Exception):
    """Discord will not take the post until a moderator acts: the reason says what to fix."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Poster(Protocol):
    async def send(
        self, channel_id: int, rendered: Rendered, *, nonce: str, ping_role: int | None = None
    ) -> int:
        """Post `rendered`, return its message id; raise PostRefused if Discord never will.
        `ping_role` is the one mention this message may make (its content names the role)."""
        ...

    async def find_posts(self, channel_id: int, post_ids: Collection[int]) -> dict[int, int]:
        """Of `post_ids`, those already in the channel's recent messages: post id -> message id."""
        ...

    async def tell_moderators(self, guild_id: int, text: str) -> None: ...

    async def send_results(self, channel_id: int, text: str, chart: bytes, *, nonce: str) -> int:
        """Post a closed quiz's results with the chart attached as a PNG."""
        ...


class PostRenderer(Protocol):
    async def __call__(self, post_id: int) -> Rendered: ...
