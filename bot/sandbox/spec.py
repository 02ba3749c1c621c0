"""Request bodies checked against Discord's own OpenAPI description (API v10).

Loaded once from a file given by the caller; never reads the environment. Only JSON bodies
of routes the description knows are checked: an unknown route is the stand-in's 404, not ours.
jsonschema is a development dependency: import this module only where a spec is wanted.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from jsonschema.exceptions import ValidationError  # type: ignore[import-untyped]
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

_SPEC_URI = "urn:discord:openapi"


@dataclass(frozen=True)
class _Operation:
    method: str
    template: str
    pattern: re.Pattern[str]
    schema: dict[str, Any] | None


class DiscordSpec:
    """Validates a request body for a method and a path under `/api/v10`."""

    def __init__(self, document: dict[str, Any]) -> None:
        document = _as_documented(document)
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        self._registry: Registry[Any] = Registry().with_resource(_SPEC_URI, resource)
        self._operations = _operations(document)
        self._validators: dict[tuple[str, str], Draft202012Validator] = {}

    @classmethod
    def load(cls, path: Path) -> DiscordSpec:
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def template_for(self, method: str, path: str) -> str | None:
        """The spec's path template for a request, such as `/channels/{channel_id}/messages`."""
        operation = self._find(method, path)
        return operation.template if operation else None

    def problem(self, method: str, path: str, body: Any) -> str | None:
        """Why the spec rejects this body, or None when it accepts it (or has no say)."""
        operation = self._find(method, path)
        if operation is None or operation.schema is None or body is None:
            return None
        key = (operation.method, operation.template)
        validator = self._validators.get(key)
        if validator is None:
            validator = Draft202012Validator(operation.schema, registry=self._registry)
            self._validators[key] = validator
        errors = list(validator.iter_errors(body))
        if not errors:
            return None
        error = _most_telling(min(errors, key=lambda error: len(error.context)))
        where = "".join(f"[{part!r}]" for part in error.absolute_path) or "the body"
        message = error.message
        if len(message) > 300:  # the value itself may be long; keep what is wrong with it
            message = f"{message[:150]} ... {message[-100:]}"
        return f"{method} {operation.template}: {where}: {message}"

    def _find(self, method: str, path: str) -> _Operation | None:
        for operation in self._operations:
            if operation.method == method.upper() and operation.pattern.fullmatch(path):
                return operation
        return None


_INTEGER_ID = {"type": "integer", "minimum": 0}
_IDS_SENT_AS_INTEGERS = {
    # An upload's attachment id is the index n of its files[n] part: Discord's "Uploading
    # Files" reference shows it as a JSON integer ("id": 0), as discord.py sends it.
    "MessageAttachmentRequest": ("id",),
    # discord.py sends AllowedMentions(roles=[...], users=[...]) ids as JSON integers, which
    # Discord accepts; the description lists only snowflake strings.
    "MessageAllowedMentionsRequest": ("users", "roles"),
}


def _as_documented(document: dict[str, Any]) -> dict[str, Any]:
    """Where the description is stricter than what Discord documents and accepts (ids sent
    as JSON integers), accept that too; everything else stays as described."""
    schemas = dict(document.get("components", {}).get("schemas", {}))
    for name, fields in _IDS_SENT_AS_INTEGERS.items():
        schema = schemas.get(name)
        if schema is None:
            continue
        properties = dict(schema.get("properties", {}))
        for field in fields:
            if field not in properties:
                continue
            described = properties[field]
            if "items" in described:  # a list of ids: each may be an integer
                items = {"anyOf": [described["items"], _INTEGER_ID]}
                properties[field] = {**described, "items": items}
            else:
                properties[field] = {"anyOf": [described, _INTEGER_ID]}
        schemas[name] = {**schema, "properties": properties}
    components = {**document.get("components", {}), "schemas": schemas}
    return {**document, "components": components}


def _operations(document: dict[str, Any]) -> list[_Operation]:
    operations = []
    for template, item in document["paths"].items():
        pattern = re.compile(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)))
        for method, operation in item.items():
            if method == "parameters":
                continue
            content = operation.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            if schema is not None:
                schema = _rebased(schema)
            operations.append(_Operation(method.upper(), template, pattern, schema))
    # `/messages/@original` must win over `/messages/{message_id}`: fewer parameters first
    operations.sort(key=lambda operation: operation.template.count("{"))
    return operations


def _most_telling(error: ValidationError) -> ValidationError:
    """Inside an anyOf of object shapes, blame the shape whose `type` matched, not the first.

    Discord's unions (components, callback types) are told apart by a `type` field, so the
    branch that does not complain about `type` is the one the sender meant.
    """
    if not error.context:
        return error
    branches: dict[Any, list[ValidationError]] = {}
    for inner in error.context:
        branches.setdefault(inner.relative_schema_path[0], []).append(inner)
    meant = [errors for errors in branches.values() if not any(map(_wrong_kind, errors))]
    chosen = min(meant or list(branches.values()), key=len)
    return _most_telling(max(chosen, key=lambda inner: len(inner.absolute_path)))


def _wrong_kind(error: ValidationError) -> bool:
    return list(error.relative_path) == ["type"] or (
        error.validator == "type" and not error.relative_path
    )


def _rebased(schema: dict[str, Any]) -> dict[str, Any]:
    """Point the schema's local `#/components/...` references at the registered document."""
    text = json.dumps(schema).replace('"$ref": "#/', f'"$ref": "{_SPEC_URI}#/')
    rebased: dict[str, Any] = json.loads(text)
    return rebased
