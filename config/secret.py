"""Secrets that never show: a value that hides in every repr, and URLs without their password.

Settings objects keep secrets as `Secret` and print themselves with `redacted_repr`, so a
token, TUTOR_SECRET or a password in a URL never reaches a log line, a traceback or a test
report. Code that must send a secret asks for it by name: `secret.reveal()`.
"""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import urlsplit, urlunsplit

HIDDEN = "***"


@dataclasses.dataclass(frozen=True, repr=False)
class Secret:
    _value: str

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret({HIDDEN!r})"

    __str__ = __repr__


def redact_url(url: str) -> str:
    """The URL with any password replaced by ***, also one in a `password=` parameter (which
    libpq reads too), for logs and error messages."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return HIDDEN
    query = "&".join(
        f"{key}={HIDDEN}" if key.lower() == "password" else key + sep + value
        for key, sep, value in (item.partition("=") for item in parts.query.split("&"))
    )
    if not password and query == parts.query:
        return url
    if password:
        host = parts.netloc.rpartition("@")[2]
        parts = parts._replace(netloc=f"{parts.username or ''}:{HIDDEN}@{host}")
    return urlunsplit(parts._replace(query=query))


def _shown(value: Any) -> str:
    if isinstance(value, str) and "://" in value:
        return repr(redact_url(value))
    return repr(value)


def redacted_repr(settings: Any) -> str:
    """A dataclass's repr with secrets hidden and URL passwords masked."""
    fields = ", ".join(
        f"{field.name}={_shown(getattr(settings, field.name))}"
        for field in dataclasses.fields(settings)
        if field.repr
    )
    return f"{type(settings).__name__}({fields})"
