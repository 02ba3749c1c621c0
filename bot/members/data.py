"""What the bot keeps about a member, for how long, and /forget-me. Discord-free.

/forget-me deletes the member's attempts, hints, test runs and reports in this server, after
they confirm with a button only they can press. It keeps their id and the moment, and only
so that posts made before that moment earn them no points when answered again.
"""

from __future__ import annotations

from bot.clock import Clock
from bot.errors import Refused
from bot.interactions.custom_ids import ForgetMe
from bot.render import ButtonSpec, Rendered, Style
from bot.store import DEFAULT_FORGET_AFTER_DAYS, TutorStore

WHAT_IS_KEPT = (
    "**What the bot keeps about you**, per server: each answer you give (which option, "
    "right or wrong, points, when), the hints you take, your test runs, the problems you "
    "report, and your display name as you last showed it (for leaderboards). It is kept "
    "until you use `/forget-me`, or until the server's data is deleted "
    f"(by default {DEFAULT_FORGET_AFTER_DAYS} days after the bot is removed from the server). "
    "After `/forget-me` the bot keeps only your id and the date, so that exercises posted "
    "before then earn you no points."
)


def forget_prompt(member_id: int) -> Rendered:
    text = (
        "This deletes your answers, hints, test runs, reports and display name on this server: "
        "you leave "
        "its leaderboards and your `/stats` start again from nothing. Exercises posted before "
        "now will earn you no points. This cannot be undone.\n\n" + WHAT_IS_KEPT
    )
    button = ButtonSpec("Forget me", ForgetMe(member_id), Style.DANGER)
    return Rendered(content=text, buttons=(button,))


class MemberData:
    def __init__(self, *, store: TutorStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def forget(self, *, guild_id: int, confirmed_for: int, member_id: int) -> Rendered:
        """`confirmed_for` is the member the button names; only they may press it."""
        if confirmed_for != member_id:
            raise Refused("This button is for someone else. Use `/forget-me` yourself.")
        gone = await self.store.servers.forget_member(
            guild_id=guild_id, member_id=member_id, now=self.clock.now()
        )
        return Rendered(
            content=(
                f"Done: deleted {gone.attempts} answers, {gone.hints} hints, "
                f"{gone.test_runs} test runs and {gone.reports} reports. "
                "Only your id and today's date are kept, so older exercises earn no points."
            )
        )
