"""The API process's Django settings, built in code from a TutorConfig (never at import).

No database, no templates, one middleware: the request path stays async from end to end.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

import django
from django.conf import settings

from tutor.config import TutorConfig

MAX_BODY_BYTES = 16 * 1024
"""A request body; beyond, the ASGI app answers 413 before Django reads it (tutor/asgi.py)."""
MAX_HEADER_BYTES = 8 * 1024
"""The request's headers together; beyond, 431 (and uvicorn's h11 stops buffering there)."""


def django_settings(config: TutorConfig) -> dict[str, Any]:
    return {
        "DEBUG": False,
        "SECRET_KEY": secrets.token_urlsafe(32),  # nothing is signed; Django wants one set
        "ALLOWED_HOSTS": list(config.hosts),
        "ROOT_URLCONF": "tutor.urls",
        "MIDDLEWARE": ["tutor.middleware.guard"],
        "INSTALLED_APPS": [],
        "DATABASES": {},
        "USE_TZ": True,
        "LOGGING_CONFIG": None,
        "DATA_UPLOAD_MAX_MEMORY_SIZE": MAX_BODY_BYTES,
        "DEFAULT_AUTO_FIELD": "django.db.models.AutoField",
    }


def configure(config: TutorConfig) -> None:
    """Configure Django for the API once per process; later calls keep the first settings."""
    if settings.configured:
        return
    settings.configure(**django_settings(config))
    django.setup()
    _skip_database_signals()
    logging.getLogger("django.request").addFilter(_news)


def _news(record: logging.LogRecord) -> bool:
    """The example API answers 404 and 503 on purpose, and a flood of refused runs (429) would
    drown the log; the tutor's other errors are news."""
    request = getattr(record, "request", None)
    if getattr(record, "status_code", None) == 429:
        return False
    return not str(getattr(request, "path", "")).startswith("/example-api/")


def _skip_database_signals() -> None:
    """Without a database these receivers do nothing, yet each costs a thread hop per request."""
    from django.core import signals
    from django.db import close_old_connections, reset_queries

    signals.request_started.disconnect(reset_queries)
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
