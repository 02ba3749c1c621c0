"""The OpenAPI 3.1 description of the tutor service's JSON API, served at /api/openapi.json.

Written by hand next to the views it describes; tests/tutor/test_openapi.py calls every
documented endpoint, for every documented status, and checks each answer against it.
"""

from __future__ import annotations

from typing import Any

from exercises.model import Difficulty, Kind
from wire.runs import MEMBER_HEADER, SECRET_HEADER

_INT = {"type": "integer"}
_TEXT = {"type": "string"}
_BOOL = {"type": "boolean"}
_NUMBER = {"type": "number"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "object", "required": list(properties), "properties": properties, **extra}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(_ref("Error"), description)


SCHEMAS: dict[str, Any] = {
    "Error": _object({"error": {**_TEXT, "description": "what was wrong, in one line"}}),
    "Health": _object(
        {
            "status": {"enum": ["ok", "starting"]},
            "exercises": {**_INT, "description": "exercises loaded from EXERCISES_PATH"},
            "runs": _object({"running": _INT, "capacity": _INT}),
            "run_timeout": {
                **_NUMBER,
                "description": "seconds one run may take (TUTOR_RUN_TIMEOUT): a client waits "
                "longer than this for a run's answer",
            },
        }
    ),
    "Exercise": _object(
        {
            "id": {**_TEXT, "examples": ["asyncio-essentials/gather-return-exceptions"]},
            "pack": _TEXT,
            "kind": {"enum": [str(kind) for kind in Kind]},
            "difficulty": {"enum": [str(level) for level in Difficulty]},
            "title": _TEXT,
            "letters": {**_TEXT, "description": "the option letters, e.g. ABCD"},
            "blanks": {**_INT, "description": "0 for multiple-choice"},
            "runnable": {**_BOOL, "description": "whether runs of it can be asked for"},
        }
    ),
    "RunRequest": {
        "oneOf": [
            _object(
                {
                    "fill": {
                        "type": "object",
                        "description": "a letter for every blank, by blank number",
                        "additionalProperties": {**_TEXT, "pattern": "^[A-Z]$"},
                        "examples": [{"1": "B", "2": "A"}],
                    }
                },
                additionalProperties=False,
            ),
            _object(
                {"choice": {**_TEXT, "pattern": "^[A-Z]$", "description": "one option's letter"}},
                additionalProperties=False,
            ),
        ]
    },
    "ErrorReport": _object(
        {
            "type": {**_TEXT, "examples": ["NameError"]},
            "message": _TEXT,
            "line": {
                "type": ["integer", "null"],
                "description": "the line in the exercise's code",
            },
            "kinds": {"type": "array", "items": _TEXT},
        }
    ),
    "ResponseReport": _object(
        {
            "status": _INT,
            "content_type": _TEXT,
            "body": {**_TEXT, "description": "at most TUTOR_REPORT_BODY_CHARS characters"},
            "truncated": _BOOL,
            "headers": {
                "type": "array",
                "description": "the response's headers in order, lower-case names",
                "items": {"type": "array", "items": _TEXT, "minItems": 2, "maxItems": 2},
                "examples": [[["content-type", "text/event-stream"]]],
            },
            "pieces": {
                "type": "array",
                "items": _ref("Piece"),
                "description": "a body that arrived in more than one piece (a stream): each "
                "piece with its time; empty otherwise",
            },
        }
    ),
    "Piece": _object(
        {
            "at": {**_NUMBER, "description": "seconds after the request was sent"},
            "text": _TEXT,
        }
    ),
    "RunResult": _object(
        {
            "exercise": _TEXT,
            "answer": {**_TEXT, "description": "the letters run, one per blank"},
            "correct": {**_BOOL, "description": "whether they are the answer key"},
            "compiled": _BOOL,
            "error": {"oneOf": [_ref("ErrorReport"), {"type": "null"}]},
            "warnings": {"type": "array", "items": _TEXT},
            "responses": {
                "type": "array",
                "items": _ref("ResponseReport"),
                "description": "a view's responses, one per request the exercise makes",
            },
            "returns": {"type": "array", "description": "a coroutine's values, JSON-like"},
            "elapsed": {
                **_NUMBER,
                "description": "seconds the example's calls took, measured in the run's own "
                "process around them (start-up not counted)",
            },
            "timed_out": _BOOL,
            "output": {**_TEXT, "description": "what the example printed"},
            "runner_error": {"type": ["string", "null"]},
        }
    ),
}

_SECRET: list[dict[str, list[str]]] = [{"secret": []}]

PATHS: dict[str, Any] = {
    "/api/health": {
        "get": {
            "summary": "Whether the service can run examples now",
            "security": [],
            "responses": {
                "200": _json(_ref("Health"), "ready to run examples"),
                "503": _json(_ref("Health"), "the example worker is starting"),
            },
        }
    },
    "/api/metrics": {
        "get": {
            "summary": "Prometheus metrics: runs by outcome, run seconds",
            "responses": {
                "200": {
                    "description": "Prometheus text exposition format",
                    "content": {"text/plain": {"schema": _TEXT}},
                },
                "401": _error(f"{SECRET_HEADER} missing or wrong"),
            },
        }
    },
    "/api/exercises": {
        "get": {
            "summary": "Every exercise the service knows",
            "responses": {
                "200": _json(
                    _object({"exercises": {"type": "array", "items": _ref("Exercise")}}),
                    "the exercises, in pack order",
                ),
                "401": _error(f"{SECRET_HEADER} missing or wrong"),
            },
        }
    },
    "/api/exercises/{exercise_id}/runs": {
        "post": {
            "summary": "Run an exercise's example with the given letters",
            "description": "The example is built from the exercise's own file with these "
            "letters; nothing from the request is run.",
            "parameters": [
                {
                    "name": "exercise_id",
                    "in": "path",
                    "required": True,
                    "schema": _TEXT,
                    "description": "pack/exercise, as listed by /api/exercises",
                },
                {
                    "name": MEMBER_HEADER,
                    "in": "header",
                    "required": False,
                    "schema": {**_TEXT, "minLength": 1, "maxLength": 64},
                    "description": "the member the run is for: runs are bounded per member "
                    "(without it, per address)",
                },
                {
                    "name": "If-Match",
                    "in": "header",
                    "required": False,
                    "schema": _TEXT,
                    "description": "the exercise's content hash as an entity tag, e.g. "
                    '"3f2a..."; another version on the service answers 412',
                },
            ],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("RunRequest")}},
            },
            "responses": {
                "200": _json(_ref("RunResult"), "what really happened in the run"),
                "400": _error(
                    f"the body is not JSON (or nested too deep), names letters the exercise "
                    f"lacks, or {MEMBER_HEADER} is malformed"
                ),
                "401": _error(f"{SECRET_HEADER} missing or wrong"),
                "404": _error("no such exercise"),
                "409": _error("the exercise has no example to run"),
                "412": _error("If-Match names another version of the exercise than the service's"),
                "408": _error("the body did not arrive within 10 s of the headers"),
                "413": _error("the body is over 16 KB; it is refused before it is read"),
                "429": {
                    **_error("the member has as many runs in flight, or this minute, as allowed"),
                    "headers": {"Retry-After": {"schema": _INT, "description": "seconds"}},
                },
                "503": _error(
                    "the example worker could not be started, or the service is serving "
                    "TUTOR_MAX_CONNECTIONS requests already"
                ),
            },
        }
    },
    "/api/openapi.json": {
        "get": {
            "summary": "This description",
            "security": [],
            "responses": {"200": {"description": "OpenAPI 3.1, as JSON"}},
        }
    },
}

DESCRIPTION: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Discord tutor: the tutor service",
        "version": "1",
        "description": "Runs each exercise's example for a learner's choice. Any other "
        "method on a path answers 405 with an Allow header; an unknown path answers 404.",
    },
    "servers": [{"url": "http://127.0.0.1:8765", "description": "TUTOR_HOST:TUTOR_PORT"}],
    "security": _SECRET,
    "paths": PATHS,
    "components": {
        "schemas": SCHEMAS,
        "securitySchemes": {
            "secret": {
                "type": "apiKey",
                "in": "header",
                "name": SECRET_HEADER,
                "description": "TUTOR_SECRET; demanded only when it is set",
            }
        },
    },
}
