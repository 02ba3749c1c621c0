"""The tutor service's settings: one frozen value, read from an environment mapping.

Built once by `python -m tutor` (or a test) and passed in; never read at import time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

LOOPBACK = "127.0.0.1"


class ConfigError(ValueError):
    """A setting in the environment has a value the service cannot use."""


@dataclass(frozen=True)
class TutorConfig:
    host: str = LOOPBACK
    port: int = 8765
    secret: str | None = None
    allowed_hosts: tuple[str, ...] = ()
    run_timeout: float = 8.0
    """Seconds one run may take (all its concurrent requests) before its worker is killed."""
    max_concurrent_runs: int = 256
    """Runs at once; more wait for a slot. Each run is a forked process that mostly sleeps."""
    body_limit: int = 4000
    """Characters of a response body kept in a report."""
    member_runs_per_minute: int = 30
    """Runs one member may start in any minute (the bot's Run it costs one or two)."""
    member_runs_at_once: int = 4
    """Runs of one member in flight at once; more are refused, not queued."""
    max_connections: int = 1024
    """Connections (and requests in them) uvicorn serves at once; beyond, it answers 503."""
    packs: Path | None = None
    """Where the exercise files are; None means the shipped packs."""

    @property
    def example_api_host(self) -> str:
        """Where a worker reaches this service's example API: loopback unless bound elsewhere."""
        if self.host in ("", "0.0.0.0", "::", "localhost"):
            return LOOPBACK
        return f"[{self.host}]" if ":" in self.host else self.host

    def example_api_url(self, port: int | None = None) -> str:
        return f"http://{self.example_api_host}:{port or self.port}/example-api"

    @property
    def hosts(self) -> tuple[str, ...]:
        """ALLOWED_HOSTS: the loopback names, the bind address and any configured names."""
        names = ["127.0.0.1", "localhost", "[::1]", *self.allowed_hosts]
        if self.host not in ("", "0.0.0.0", "::"):
            names.append(self.example_api_host)
        return tuple(dict.fromkeys(names))

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> TutorConfig:
        """Read `TUTOR_*` variables; anything unset keeps its default."""
        defaults = cls()
        hosts = environ.get("TUTOR_ALLOWED_HOSTS", "")
        packs = environ.get("TUTOR_PACKS")
        return cls(
            host=environ.get("TUTOR_HOST", defaults.host),
            port=_number(environ, "TUTOR_PORT", int, defaults.port, 0, 65535),
            secret=environ.get("TUTOR_SECRET") or None,
            allowed_hosts=tuple(name.strip() for name in hosts.split(",") if name.strip()),
            run_timeout=_number(environ, "TUTOR_RUN_TIMEOUT", float, defaults.run_timeout, 0.1, 60),
            max_concurrent_runs=_number(
                environ, "TUTOR_MAX_RUNS", int, defaults.max_concurrent_runs, 1, 2000
            ),
            body_limit=_number(environ, "TUTOR_BODY_LIMIT", int, defaults.body_limit, 100, 10**6),
            member_runs_per_minute=_number(
                environ,
                "TUTOR_MEMBER_RUNS_PER_MINUTE",
                int,
                defaults.member_runs_per_minute,
                1,
                10**6,
            ),
            member_runs_at_once=_number(
                environ, "TUTOR_MEMBER_RUNS_AT_ONCE", int, defaults.member_runs_at_once, 1, 2000
            ),
            max_connections=_number(
                environ, "TUTOR_MAX_CONNECTIONS", int, defaults.max_connections, 8, 100_000
            ),
            packs=Path(packs) if packs else None,
        )


N = TypeVar("N", int, float)


def _number(environ: Mapping[str, str], name: str, kind: type[N], default: N, low: N, high: N) -> N:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a {kind.__name__}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name}={raw!r} is outside {low}..{high}")
    return value
