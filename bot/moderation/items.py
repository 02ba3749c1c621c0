"""Item analytics as moderators and authors read them (Discord-free): each posted version of
a pack's exercises with its numbers and flags, as lines for `/tutor items`, a table or CSV
for `python -m bot items`, and a bar chart (bot.quiz.chart's).

The store counts (bot.store.items, one query per pack); the flags are exercises.items' pure
rules. An exercise nobody solved has no recorded right answer: for its current version the
catalog's answer key stands in.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Sequence
from dataclasses import dataclass

from bot.quiz.chart import Bar, Group, bar_chart
from bot.store import TutorStore
from exercises import Catalog
from exercises.items import Flag, ItemStats, flags

COLUMNS = (
    "exercise", "version", "difficulty", "posts", "members", "first_try", "solved", "hints",
    "most_picked_wrong", "wrong_share", "median_seconds", "reports", "flags",
)  # fmt: skip
CHART_ITEMS = 12
"""At most this many exercises on the chart (flagged first), so the image stays small."""


@dataclass(frozen=True, slots=True)
class Item:
    """One version of one exercise, its flags, and whether it is the catalog's version."""

    stats: ItemStats
    flags: tuple[Flag, ...]
    current: bool


async def pack_items(
    store: TutorStore, catalog: Catalog, pack: str, *, guild_id: int | None = None
) -> list[Item]:
    counted = await store.item_stats(pack, guild_id=guild_id)
    keyed = [_with_key(stats, catalog) for stats in counted]
    return [Item(stats, flags(stats, keyed), _is_current(stats, catalog)) for stats in keyed]


def _is_current(stats: ItemStats, catalog: Catalog) -> bool:
    exercise = catalog.exercises.get(stats.exercise_id)
    return exercise is not None and exercise.content_hash == stats.content_hash


def _with_key(stats: ItemStats, catalog: Catalog) -> ItemStats:
    if stats.right is not None or not _is_current(stats, catalog):
        return stats
    return dataclasses.replace(stats, right=catalog.exercises[stats.exercise_id].answer_key)


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{round(100 * rate)}%"


def _wrong(stats: ItemStats) -> tuple[str, str]:
    pick = stats.most_picked_wrong()
    if pick is None:
        return "-", "-"
    blanks = len(stats.right or "")
    name = pick.option if blanks <= 1 else f"blank {pick.blank + 1}: {pick.option}"
    return name, _percent(pick.share)


def _seconds(stats: ItemStats) -> str:
    return "-" if stats.median_seconds is None else f"{stats.median_seconds:.0f}"


def rows(items: Sequence[Item]) -> list[list[str]]:
    """One row per item, in COLUMNS' order, as text."""
    found = []
    for item in items:
        s = item.stats
        wrong, share = _wrong(s)
        found.append([
            s.exercise_id, s.content_hash if item.current else f"{s.content_hash} (old)",
            s.difficulty, str(s.posts), str(s.members), _percent(s.first_try_rate),
            _percent(s.solve_rate), _percent(s.hint_rate), wrong, share, _seconds(s),
            str(s.reports), "; ".join(item.flags),
        ])  # fmt: skip
    return found


def as_csv(items: Sequence[Item]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows(items))
    return out.getvalue()


def as_table(items: Sequence[Item]) -> str:
    """Aligned columns for a terminal."""
    table = [list(COLUMNS), *rows(items)]
    widths = [max(len(row[i]) for row in table) for i in range(len(COLUMNS))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in table
    )


def as_lines(pack: str, items: Sequence[Item]) -> list[str]:
    """For Discord: one line per version, flagged ones first."""
    lines = [f"**Items of {pack}** (first try · solved · hints · most picked wrong · time)"]
    for item in sorted(items, key=lambda i: not i.flags):
        s = item.stats
        wrong, share = _wrong(s)
        old = "" if item.current else " (older version)"
        flagged = f" ⚑ **{', '.join(item.flags)}**" if item.flags else ""
        lines.append(
            f"`{s.exercise_id}`{old} {s.difficulty}: {s.members} members, "
            f"{_percent(s.first_try_rate)} · {_percent(s.solve_rate)} · "
            f"{_percent(s.hint_rate)} · {wrong} {share} · {_seconds(s)} s, "
            f"{s.reports} reports{flagged}"
        )
    return lines


def chart(pack: str, items: Sequence[Item]) -> bytes:
    """First-try and final solve rates of the answered versions, flagged ones first."""
    shown = [i for i in sorted(items, key=lambda i: not i.flags) if i.stats.goes][:CHART_ITEMS]
    groups = [
        Group(
            f"{i.stats.exercise_id.split('/', 1)[-1]}{'' if i.current else ' (old)'}"
            f"{' - ' + ', '.join(i.flags) if i.flags else ''}",
            (
                Bar("first try", i.stats.first_try_rate or 0.0, good=True),
                Bar("solved", i.stats.solve_rate or 0.0, good=False),
            ),
        )
        for i in shown
    ]
    return bar_chart(f"Solve rates, {pack}", groups)
