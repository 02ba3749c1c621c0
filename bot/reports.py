"""Members report a problem with an exercise; moderators hear of it in their log channel.

Discord-free: the adapter shows the modal, passes the reason on and sends the log line.
A report is kept with the exercise's content hash, so a fixed exercise starts with none.
The reason is member text: it is quoted in a code span, never rendered as markdown.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.errors import STALE_BUTTON, Refused
from bot.store import Store

MAX_REASON = 300


@dataclass(frozen=True)
class Reported:
    thanks: str  # the member's private answer
    log_channel_id: int | None
    log_line: str


def quoted(text: str) -> str:
    """Member text shown inline: one line, no backticks, so nothing can break out."""
    flat = " ".join(text.split()).replace("`", "'")
    return f"`{flat[:MAX_REASON]}`"


class Reports:
    def __init__(self, *, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def report(
        self, *, post_id: int, channel_id: int, member_id: int, reason: str
    ) -> Reported:
        post = await self.store.get_post(post_id)
        if post is None or post.channel_id != channel_id:
            raise Refused(STALE_BUTTON)
        if not reason.strip():
            raise Refused("Please say in a few words what is wrong with the exercise.")
        count = await self.store.servers.add_report(
            post, member_id=member_id, reason=reason[:MAX_REASON], reported_at=self.clock.now()
        )
        settings = await self.store.servers.settings(post.guild_id)
        plural = "s" if count != 1 else ""
        line = (
            f"⚠️ <@{member_id}> reported `{post.exercise_id}` (post {post.post_id}): "
            f"{quoted(reason)}. {count} report{plural} on this version; see `/tutor reports`."
        )
        thanks = "Thank you: the moderators will look at it."
        return Reported(thanks, settings.log_channel_id, line)
