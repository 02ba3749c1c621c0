"""A member's progress and the server's board as message text: /stats (answers, accuracy
and points overall and per pack, reviews due, the streak) and /leaderboard. Pure, as
bot.render is: every function's output follows from its arguments."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from bot.escapes import plain
from bot.render import fit
from bot.store import LeaderboardEntry, MemberStats
from exercises.progress import Period, Streak


def reviews_due_line(due: int) -> str:
    """/stats' line on spaced review: how many exercises are due today."""
    if due == 0:
        return "Reviews due today: none."
    return f"Reviews due today: **{due}**. `/review` serves them one at a time."


def stats(member: MemberStats, pack_titles: Mapping[str, str]) -> str:
    """A member's own progress: attempts, accuracy and points, overall and per pack."""
    if member.attempts == 0:
        return "You have not answered anything yet. Try `/practice`!"
    lines = [
        "**Your progress**",
        _summary(member.attempts, member.correct, member.points, member.solved),
    ]
    for pack in member.packs:
        title = pack_titles.get(pack.pack_id, pack.pack_id)
        lines.append(
            f"**{title}**: {_summary(pack.attempts, pack.correct, pack.points, pack.solved)}"
        )
    return fit("\n".join(lines))


def _summary(attempts: int, correct: int, points: int, solved: int) -> str:
    accuracy = round(100 * correct / attempts) if attempts else 0
    return f"{solved} solved · {attempts} answers, {accuracy}% correct · {points} points"


PERIOD_TITLES = {Period.DAY: "today", Period.WEEK: "this week", Period.ALL_TIME: "all time"}


def leaderboard(
    entries: Sequence[LeaderboardEntry], period: Period, since: datetime | None, zone: str
) -> str:
    """The server's board: display names as plain text (never a mention), points, solves."""
    title = PERIOD_TITLES[period]
    heading = f"**Leaderboard · {title}**"
    if since is not None:
        heading += f" (since {since:%A %d %B %H:%M} {zone})"
    if not entries:
        return f"{heading}\nNo points yet. Solve a `/practice` exercise to get on the board."
    lines = [heading]
    for entry in entries:
        name = entry.display_name or f"member {entry.member_id}"
        solved = f"{entry.solves} solved"
        lines.append(f"{entry.rank}. {plain(name)} · {entry.points} points · {solved}")
    return fit("\n".join(lines))


def streak_line(streak: Streak) -> str:
    if streak.current == 0:
        return f"Streak: none right now (longest: {streak.longest} days)."
    days = f"{streak.current} day{'s' if streak.current != 1 else ''}"
    return f"Streak: {days} in a row (longest: {streak.longest})."
