"""The companion service that really runs the exercises' examples (Django over ASGI).

`python -m tutor` serves the JSON API; `python -m tutor verify [PATH]` checks the content by
running it. Examples run in forked worker processes, never in the API process.
"""

from tutor.config import ConfigError, TutorConfig
from tutor.jobs import ExampleJob, NotRunnable, build_job
from tutor.pool import Runner, WorkerUnavailable

__all__ = [
    "ConfigError",
    "ExampleJob",
    "NotRunnable",
    "Runner",
    "TutorConfig",
    "WorkerUnavailable",
    "build_job",
]
