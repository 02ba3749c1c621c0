"""The bot's Prometheus metrics, served by bot.health on HEALTH_PORT at /metrics.

Module-level, as prometheus-client intends: one set of metrics per process. Names start with
`tutor_bot_`; the tutor service's own start with `tutor_service_`.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from prometheus_client import Counter, Gauge, Histogram

OUTCOMES = ("answered", "deferred", "refused", "failed", "expired", "answered_elsewhere")

INTERACTIONS = Counter(
    "tutor_bot_interactions",
    "Button clicks handled, by outcome: answered within Discord's 3 s, answered after a "
    "defer, refused with a short private message, failed (logged; the member told if "
    "Discord still takes an answer), expired (answered after Discord's 3 s: nothing sent) "
    "or answered_elsewhere (another process of the bot answered first)",
    ["outcome"],
)
STORE_WRITE_SECONDS = Histogram(
    "tutor_bot_store_write_seconds",
    "Time from asking the store for a write to its COMMIT, queueing included",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
TUTOR_RUNS = Counter(
    "tutor_bot_tutor_runs", "Runs asked of the tutor service for Run it, by result", ["result"]
)
TUTOR_RUN_SECONDS = Histogram(
    "tutor_bot_tutor_run_seconds",
    "Time the tutor service took to answer one run",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16),
)
GATEWAY_LATENCY = Gauge(
    "tutor_bot_gateway_latency_seconds", "Time between a gateway heartbeat and its ack"
)

for outcome in OUTCOMES:
    INTERACTIONS.labels(outcome)  # every outcome shows, at 0, from the start
for result in ("ok", "failed"):
    TUTOR_RUNS.labels(result)


@asynccontextmanager
async def timed_tutor_run() -> AsyncIterator[None]:
    started = time.perf_counter()
    try:
        yield
    except Exception:
        TUTOR_RUNS.labels("failed").inc()
        raise
    TUTOR_RUN_SECONDS.observe(time.perf_counter() - started)
    TUTOR_RUNS.labels("ok").inc()


def watch_gateway_latency(latency: Callable[[], float]) -> None:
    GATEWAY_LATENCY.set_function(latency)
