"""The garbage collector, set for a long-running bot: start-up's objects frozen, a larger
young generation.

Every click allocates a few hundred short-lived objects (discord.py's Interaction, Message
and Member, the reply's payload), so the collector runs often; each full collection used to
walk everything start-up made too (the catalog, discord.py, the modules), a pause that every
click arriving meanwhile waits out. Frozen objects are never walked again; a young generation
of 5,000 rather than 700 objects collects a third as often and promotes fewer of a click's
objects to the older generations. What it saves: docs/speed.md, "The garbage collector".
"""

from __future__ import annotations

import gc

YOUNG_GENERATION = 5000
"""Allocations (net) between collections of the youngest generation; Python's default is 700."""


def freeze_startup() -> None:
    """Once, when start-up has built what lives as long as the process, just before the
    gateway connects: collect, freeze what is left, then collect young objects less often."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION, middle, old)
