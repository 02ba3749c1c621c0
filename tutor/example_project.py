"""The small Django project that examples run in: the `library` app and Django's auth (users to
log in), their seeded rows, and only the middleware a run declares (its own, or Django's from the
allow-list in exercises).

Configured once per worker process, before it forks one child per run; never in the API process.
"""

from __future__ import annotations

import secrets
import sys
import types
from collections.abc import Sequence
from typing import Any

import django
from django.conf import settings

from exercises.run_schema import DJANGO_MIDDLEWARE

EXAMPLE_MODULE = "example"
"""The module name an example's code runs as, so `run.middleware` names resolve."""
URLCONF_MODULE = "example_urls"
HOST = "localhost"
TEST_CLIENT_HOST = "testserver"
"""The host Django's test clients (AsyncClient, RequestFactory) send, allowed for test examples."""


def configure(example_api_url: str) -> None:
    """Settings for examples, `library` importable by its documented name, tables seeded."""
    settings.configure(
        DEBUG=False,
        SECRET_KEY=secrets.token_urlsafe(32),
        ALLOWED_HOSTS=[HOST, TEST_CLIENT_HOST],
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "tutor.library.apps.LibraryConfig",
        ],
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                # Shared cache: the async ORM's worker thread sees the same in-memory rows.
                "NAME": "file:library?mode=memory&cache=shared",
            }
        },
        ROOT_URLCONF=URLCONF_MODULE,
        MIDDLEWARE=[],
        TEMPLATES=[
            {"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": False}
        ],
        USE_TZ=True,
        # SessionMiddleware, when a run declares it, keeps sessions in a signed cookie: no table.
        SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies",
        # The seeded members are demo accounts of a database that lives for one run: a fast
        # hasher keeps each login a fraction of a millisecond instead of PBKDF2's ~0.2 s of CPU
        # (1,000,000 iterations in Django 5.2, measured here).
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        LOGGING_CONFIG=None,
        EXAMPLE_API_URL=example_api_url.rstrip("/"),
    )
    django.setup()
    import tutor.library
    import tutor.library.models
    from tutor.library.seed import create_and_seed

    sys.modules["library"] = tutor.library
    sys.modules["library.models"] = tutor.library.models
    create_and_seed()


def install_example(module: types.ModuleType, middleware: Sequence[str]) -> None:
    """Make the example importable by name and put its middleware around every view: a plain
    name is the example's own factory; a dotted path must be on the allow-list, nothing else."""
    sys.modules[EXAMPLE_MODULE] = module
    settings.MIDDLEWARE = [_middleware_path(name) for name in middleware]


def _middleware_path(name: str) -> str:
    if name in DJANGO_MIDDLEWARE:
        return name
    if not name.isidentifier():
        raise ValueError(f"{name!r} is not an example's middleware nor an allowed Django one")
    return f"{EXAMPLE_MODULE}.{name}"


def install_route(route: str, view: Any) -> None:
    """The example's one URL pattern; set in the child, so no two runs ever share it."""
    from django.urls import path

    urls = types.ModuleType(URLCONF_MODULE)
    urls.urlpatterns = [path(route, view)]  # type: ignore[attr-defined]
    sys.modules[URLCONF_MODULE] = urls
