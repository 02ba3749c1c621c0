"""Faults a test injects on purpose: a 429 with `retry_after`, or a 4xx error, on a route.

A fault matches a method and a path pattern (`*` stands for any run of characters, as in
`/channels/*/messages`), answers in place of the route a number of times, then lifts.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import Any


@dataclass
class Fault:
    method: str
    path: str
    status: int
    body: dict[str, Any]
    headers: dict[str, str]
    times: int

    def matches(self, method: str, path: str) -> bool:
        return method == self.method and fnmatch.fnmatchcase(path, self.path)


class Faults:
    def __init__(self) -> None:
        self._pending: list[Fault] = []

    def rate_limit(self, method: str, path: str, *, retry_after: float, times: int = 1) -> None:
        """Answer 429 as Discord does; discord.py retries only when `Via` is present."""
        body = {
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": False,
        }
        headers = {
            "Via": "1.1 google",
            "Retry-After": str(retry_after),
            "X-RateLimit-Scope": "user",
        }
        self._pending.append(Fault(method.upper(), path, 429, body, headers, times))

    def error(
        self, method: str, path: str, *, status: int, code: int, message: str, times: int = 1
    ) -> None:
        """Answer a 4xx JSON error (5xx would make discord.py retry for seconds)."""
        if not 400 <= status < 500:
            raise ValueError(f"inject 4xx errors only, not {status}")
        body = {"message": message, "code": code}
        self._pending.append(Fault(method.upper(), path, status, body, {}, times))

    def due_for(self, method: str, path: str) -> Fault | None:
        """The fault to answer this request with, if one is still due (counted down)."""
        for fault in self._pending:
            if fault.times > 0 and fault.matches(method, path):
                fault.times -= 1
                return fault
        return None

    @property
    def pending(self) -> list[Fault]:
        return [fault for fault in self._pending if fault.times > 0]
