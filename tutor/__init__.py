"""The companion service that really runs the exercises' examples (Django over ASGI).

`python -m tutor` serves the JSON API; `python -m tutor verify [PATH]` checks the content by
running it. Examples run in forked worker processes, never in the API process.
"""

from tutor.config import ConfigError, TutorConfig
from tutor.jobs import ExampleJob, NotRunnable, build_job
from tutor.pool import Runner, RunnerUnavailable
from tutor.report import ErrorReport, ResponseReport, RunReport

__all__ = [
    "ConfigError",
    "ErrorReport",
    "ExampleJob",
    "NotRunnable",
    "ResponseReport",
    "RunReport",
    "Runner",
    "RunnerUnavailable",
    "TutorConfig",
    "build_job",
]
