"""The `[run]` table and expectations: how the tutor service runs an example, what it must see.

Only describes runs; nothing here executes code. A run must name exactly one entry point.
"""

from __future__ import annotations

import re

from exercises.fields import Fields
from exercises.model import Expectation, Request, Run, RunTarget

_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_MAX_CONCURRENT = 20
_MAX_DISCONNECT_AFTER = 5.0

DJANGO_MIDDLEWARE = (
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
)
"""The Django middleware a run may declare by its dotted path, and no other: each needs nothing
beyond the example project (sessions are kept in signed cookies, so no table is needed; the
project has Django's auth app and its users' table, and AuthenticationMiddleware needs
SessionMiddleware before it)."""


def read_run(fields: Fields, fixed_target: RunTarget | None, wrong_letters: str) -> Run | None:
    """Read `run` if present. `fixed_target` is the kind's own target (fill-in-the-blank)."""
    table = fields.table("run", required=False)
    if table is None:
        return None
    target = fixed_target
    if fixed_target is None:
        value = table.text("target")
        allowed = (RunTarget.SNIPPET, RunTarget.OPTIONS)
        if value is not None and value not in allowed:
            table.problem("target", f"is {value!r}; it must be 'snippet' or 'options'")
        target = RunTarget(value) if value in allowed else None
    view, coroutine = _name(table, "view"), _name(table, "coroutine")
    if (view is None) == (coroutine is None):
        fields.problem("run", "must name exactly one entry point: `view` or `coroutine`")
    request = _read_request(table) if table.has("request") else None
    if request is None and view is not None:
        table.problem("request", "is missing: a view needs the request to make")
    if request is not None and coroutine is not None:
        table.problem("request", "is only for views; a coroutine is awaited with no arguments")
    middleware = table.text_list("middleware", min_items=1) if table.has("middleware") else ()
    for index, name in enumerate(middleware):
        if not _NAME.match(name) and name not in DJANGO_MIDDLEWARE:
            listed = ", ".join(DJANGO_MIDDLEWARE)
            message = (
                f"{name!r} is neither a name the example defines nor one of the Django "
                f"middleware a run may use: {listed}"
            )
            table.problem(f"middleware[{index}]", message)
    route = table.text("route", required=False)
    prelude = table.text("prelude", required=False) or ""
    concurrent = table.integer("concurrent", required=False, low=1, high=_MAX_CONCURRENT) or 1
    expect = read_expectation(table, "expect", required=True)
    if expect is not None and not expect.says_what_comes_back:
        table.problem(
            "expect", "must say what comes back: json, body, body_contains, returns or raises"
        )
    table.finish()
    if target is None or expect is None or (view is None) == (coroutine is None):
        return None
    return Run(
        target=target,
        expect=expect,
        view=view,
        coroutine=coroutine,
        prelude=prelude,
        route=route,
        middleware=middleware,
        request=request or Request(),
        concurrent=concurrent,
    )


def _name(table: Fields, key: str) -> str | None:
    value = table.text(key, required=False)
    if value is not None and not _NAME.match(value):
        table.problem(key, f"{value!r} is not a Python name")
        return None
    return value


def _read_request(table: Fields) -> Request | None:
    fields = table.table("request")
    if fields is None:
        return None
    method = (fields.text("method", required=False) or "GET").upper()
    if method not in _METHODS:
        fields.problem("method", f"is {method!r}; use one of {', '.join(_METHODS)}")
    path = fields.text("path")
    if path is not None and not path.startswith("/"):
        fields.problem("path", f"must start with '/', not {path!r}")
    query, headers = fields.text_table("query"), fields.text_table("headers")
    body, json_body = fields.text("body", required=False), fields.any_value("json")
    if body is not None and json_body is not None:
        fields.problem("body", "give `body` or `json`, not both")
    leaves = fields.number("disconnect_after", required=False)
    if leaves is not None and not 0 < leaves <= _MAX_DISCONNECT_AFTER:
        fields.problem("disconnect_after", f"is {leaves:g}; give 0 < seconds <= 5")
        leaves = None
    fields.finish()
    if path is None:
        return None
    return Request(
        method=method,
        path=path,
        query=query,
        headers=headers,
        body=body,
        json=json_body,
        disconnect_after=leaves,
    )


def read_expectation(table: Fields, key: str, *, required: bool) -> Expectation | None:
    fields = table.table(key, required=required)
    if fields is None:
        return None
    status = fields.integer("status", required=False, low=100, high=599)
    raises = fields.text("raises", required=False)
    if raises is not None and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", raises):
        fields.problem("raises", f"{raises!r} is not an exception's name")
    expectation = Expectation(
        status=status,
        content_type=fields.text("content_type", required=False),
        json=fields.any_value("json"),
        body=fields.text("body", required=False),
        body_contains=fields.text("body_contains", required=False),
        returns=fields.any_value("returns"),
        raises=raises,
        message_contains=fields.text("message_contains", required=False),
        warning_contains=fields.text("warning_contains", required=False),
        min_seconds=fields.number("min_seconds", required=False),
        max_seconds=fields.number("max_seconds", required=False),
    )
    low, high = expectation.min_seconds, expectation.max_seconds
    if low is not None and high is not None and high < low:
        fields.problem("max_seconds", f"is {high}, less than min_seconds {low}")
    if expectation == Expectation():
        fields.problem("", "is empty; say what the run must show")
    fields.finish()
    return expectation
