"""The tutor service's Prometheus metrics, served beside its health at GET /api/metrics.

Module-level, as prometheus-client intends: one set per process. Names start with
`tutor_service_`; the bot's start with `tutor_bot_`.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

RUNS = Counter(
    "tutor_service_runs",
    "Runs of an exercise's example, by outcome: ran, refused (bad request), limited (the "
    "member's bounds), unavailable",
    ["outcome"],
)
RUN_SECONDS = Histogram(
    "tutor_service_run_seconds",
    "Time one run took, worker start to report",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16),
)

for outcome in ("ran", "refused", "limited", "unavailable"):
    RUNS.labels(outcome)
