"""Members report a problem with an exercise; moderators hear of it in their log channel.

Discord-free: the adapter shows the modal, passes the reason on and sends the log line.
A report is kept with the exercise's content hash, so a fixed exercise starts with none.
The reason is member text: it is quoted in a code span, never rendered as markdown.

So that one member cannot flood the moderators: a member's reports on one version count once
(a second one replaces the reason), a member sends at most REPORTS_PER_HOUR new reports in a
clock hour, and the log channel gets at most one line per exercise per clock hour (the first
report of the hour), with the count so far; `/tutor reports` lists them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, timedelta

from bot.clock import Clock
from bot.errors import STALE_BUTTON, Refused
from bot.store import TutorStore

MAX_REASON = 300
REPORTS_PER_HOUR = 5
THANKS = "Thank you: the moderators will look at it."
UPDATED = "Thank you: your report on this exercise now gives this reason."


@dataclass(frozen=True)
class Reported:
    thanks: str  # the member's private answer
    log_channel_id: int | None  # None: no line for the moderators this time
    log_line: str


def quoted(text: str) -> str:
    """Member text shown inline: one line, no backticks, so nothing can break out."""
    flat = " ".join(text.split()).replace("`", "'")
    return f"`{flat[:MAX_REASON]}`"


class Reports:
    def __init__(self, *, store: TutorStore, clock: Clock) -> None:
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
        now = self.clock.now()
        hour = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        added = await self.store.servers.add_report(
            post,
            member_id=member_id,
            reason=reason[:MAX_REASON],
            reported_at=now,
            since=hour,
            budget=REPORTS_PER_HOUR,
        )
        if not added.kept:
            then = int((hour + timedelta(hours=1)).timestamp())
            raise Refused(
                f"You have sent {REPORTS_PER_HOUR} reports this hour, thank you: you can send "
                f"more from <t:{then}:t>."
            )
        settings = await self.store.servers.settings(post.guild_id)
        plural = "s" if added.count != 1 else ""
        line = (
            f"⚠️ <@{member_id}> reported `{post.exercise_id}` (post {post.post_id}): "
            f"{quoted(reason)}. {added.count} report{plural} on this version; "
            "see `/tutor reports`."
        )
        first_this_hour = added.new and added.earlier_on_exercise == 0
        log_channel = settings.log_channel_id if first_this_hour else None
        return Reported(THANKS if added.new else UPDATED, log_channel, line)
