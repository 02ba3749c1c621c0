"""The tutor service's settings: one frozen value, built from the shared registry (`config`).

Built once by `python -m tutor` (or a test) from the variables `config.read_environment`
returns (`.env` and the environment) and passed in; never read at import time.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from config import (
    Secret,
    SettingsError,
    default_of,
    exercises_path,
    log_format,
    redacted_repr,
)

LOOPBACK = "127.0.0.1"


class ConfigError(SettingsError):
    """A setting has a value the service cannot use; the message names it."""


@dataclass(frozen=True, repr=False)
class TutorConfig:
    host: str = default_of("TUTOR_HOST")
    port: int = int(default_of("TUTOR_PORT"))
    secret: Secret | None = None
    allowed_hosts: tuple[str, ...] = ()
    run_timeout: float = float(default_of("TUTOR_RUN_TIMEOUT"))
    """Seconds one run may take (all its concurrent requests) before its worker is killed."""
    max_concurrent_runs: int = int(default_of("TUTOR_MAX_RUNS"))
    """Runs at once; more wait for a slot. Each run is a forked process that mostly sleeps."""
    report_body_chars: int = int(default_of("TUTOR_REPORT_BODY_CHARS"))
    """Characters of an example's response body kept in a run report."""
    member_runs_per_minute: int = int(default_of("TUTOR_MEMBER_RUNS_PER_MINUTE"))
    """Runs one member may start in any minute (the bot's Run it costs one or two)."""
    member_runs_at_once: int = int(default_of("TUTOR_MEMBER_RUNS_AT_ONCE"))
    """Runs of one member in flight at once; more are refused, not queued."""
    max_connections: int = int(default_of("TUTOR_MAX_CONNECTIONS"))
    """Connections (and requests in them) uvicorn serves at once; beyond, it answers 503."""
    packs: Path | None = None
    """Where the exercise files are (EXERCISES_PATH); None means the shipped packs."""
    log_format: str = default_of("LOG_FORMAT")
    """LOG_FORMAT: `text`, or `json` for one JSON object per line."""

    def __repr__(self) -> str:
        return redacted_repr(self)

    @property
    def on_loopback(self) -> bool:
        """Whether only this machine can reach the service at its bind address."""
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    def check_servable(self) -> None:
        """Refuse to serve beyond this machine without a secret: anyone could start runs."""
        if not self.on_loopback and not self.secret:
            raise ConfigError(
                f"TUTOR_HOST={self.host!r} is reachable from other machines and TUTOR_SECRET "
                "is not set; set TUTOR_SECRET (the bot sends it too) or TUTOR_HOST=127.0.0.1"
            )

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
        """Read `TUTOR_*` variables and EXERCISES_PATH; anything unset keeps its default."""
        defaults = cls()
        hosts = environ.get("TUTOR_ALLOWED_HOSTS", "")
        secret = environ.get("TUTOR_SECRET")
        return cls(
            host=environ.get("TUTOR_HOST") or defaults.host,
            port=_number(environ, "TUTOR_PORT", int, defaults.port, 0, 65535),
            secret=Secret(secret) if secret else None,
            allowed_hosts=tuple(name.strip() for name in hosts.split(",") if name.strip()),
            run_timeout=_number(environ, "TUTOR_RUN_TIMEOUT", float, defaults.run_timeout, 0.1, 60),
            max_concurrent_runs=_number(
                environ, "TUTOR_MAX_RUNS", int, defaults.max_concurrent_runs, 1, 2000
            ),
            report_body_chars=_number(
                environ, "TUTOR_REPORT_BODY_CHARS", int, defaults.report_body_chars, 100, 10**6
            ),
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
            packs=exercises_path(environ),
            log_format=log_format(environ),
        )


N = TypeVar("N", int, float)


def _number(environ: Mapping[str, str], name: str, kind: type[N], default: N, low: N, high: N) -> N:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = kind(raw)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise ConfigError(f"{name}={raw!r} is not {what}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name}={raw!r} is outside {low}..{high}")
    return value
