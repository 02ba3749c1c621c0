"""One table for every benchmark: ours, the baseline, the ratio, and the goal beside it."""

from __future__ import annotations

import dataclasses
import os
import platform
from dataclasses import dataclass


class BenchFailed(AssertionError):
    """A correctness check inside a benchmark failed: `make bench` fails."""


@dataclass(frozen=True)
class Row:
    what: str
    ours: float
    baseline: float | None
    unit: str
    goal: str
    higher_is_better: bool = True
    ratio_override: float | None = None

    def numbered(self, number: int) -> Row:
        return dataclasses.replace(self, what=f"{self.what} [run {number}]")

    def on_backend(self, backend: str) -> Row:
        """The same measurement with our store on another backend, e.g. PostgreSQL."""
        return dataclasses.replace(self, what=f"{self.what} [{backend}]")

    @property
    def ratio(self) -> float | None:
        """How ours compares: > 1 is better than the baseline, whichever way the unit goes."""
        if self.ratio_override is not None:
            return self.ratio_override
        if self.baseline is None or self.baseline == 0 or self.ours == 0:
            return None
        return self.ours / self.baseline if self.higher_is_better else self.baseline / self.ours


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            names = [
                line.split(":", 1)[1].strip() for line in info if line.startswith("model name")
            ]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}, load {load:.1f} at start"
    )


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def render(rows: list[Row], *, title: str = "make bench") -> str:
    header = ("benchmark", "ours", "baseline", "unit", "ratio", "goal")
    lines = [
        (
            row.what,
            _number(row.ours),
            _number(row.baseline),
            row.unit,
            f"{row.ratio:.2f}x" if row.ratio is not None else "-",
            row.goal,
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header))]

    def format_line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    out = [f"{title}: {machine()}", "", format_line(header), rule]
    out += [format_line(line) for line in lines]
    return "\n".join(out)
