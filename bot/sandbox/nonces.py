"""Nonces: a message created with a `nonce` and `enforce_nonce: true` is created once.

Discord checks the nonce "for uniqueness in the past few minutes": if the same author already
created a message with that nonce (in that channel), that message is returned and no new one
is made. Without `enforce_nonce` a nonce is only echoed back.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Protocol

WINDOW = timedelta(minutes=5)

NonceKey = tuple[int, int, str]  # channel, author, nonce


class _Clock(Protocol):
    def now(self) -> datetime: ...


class Nonces:
    def __init__(self, clock: _Clock, window: timedelta = WINDOW) -> None:
        self.clock = clock
        self.window = window
        self._seen: dict[NonceKey, tuple[int, datetime]] = {}

    @staticmethod
    def key(channel_id: int, author_id: int, body: Any) -> NonceKey | None:
        """The key to deduplicate this create by, or None when it is not enforced."""
        if not isinstance(body, dict) or body.get("nonce") is None:
            return None
        if not body.get("enforce_nonce"):
            return None
        return (channel_id, author_id, str(body["nonce"]))

    def seen(self, key: NonceKey | None) -> int | None:
        """The message created with this nonce within the window, if any."""
        if key is None or key not in self._seen:
            return None
        message_id, at = self._seen[key]
        if self.clock.now() - at > self.window:
            del self._seen[key]
            return None
        return message_id

    def remember(self, key: NonceKey | None, message_id: int) -> None:
        if key is not None:
            self._seen[key] = (message_id, self.clock.now())
