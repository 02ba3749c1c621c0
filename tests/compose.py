"""Reading compose.yaml as Docker Compose does, for tests/deploy and .ci/docker_env.py.

Compose parses the YAML first and then interpolates the variables in the parsed values, so a
fault of the YAML shows even where a variable's value would hide it; this module does the
same, in that order. Interpolation follows the Compose Specification ("Interpolation"):
`$$` is a literal `$`; `$VAR` and `${VAR}`; `${VAR:-default}` (unset or empty) and
`${VAR-default}` (unset); `${VAR:?message}` and `${VAR?message}` stop with the message;
`${VAR:+other}` and `${VAR+other}`. Nested forms (`${A:-${B}}`) are not used here, and are
refused rather than misread.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).parents[1]
COMPOSE_FILE = ROOT / "compose.yaml"

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_VARIABLE = re.compile(
    rf"\$(?:(?P<dollar>\$)|\{{(?P<braced>{_NAME})(?:(?P<op>:?[-?+])(?P<argument>[^}}$]*))?\}}"
    rf"|(?P<bare>{_NAME}))"
)


class InterpolationError(ValueError):
    """A `${VAR:?message}` whose variable is missing, or a form Compose would refuse."""


def parse(path: Path = COMPOSE_FILE) -> dict[str, Any]:
    """The file as YAML, before any interpolation (yaml.YAMLError if it is not YAML)."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict):
        raise yaml.YAMLError(f"{path.name} is not a mapping at its top")
    return document


def _replace(match: re.Match[str], env: Mapping[str, str]) -> str:
    if match["dollar"]:
        return "$"
    name = match["braced"] or match["bare"]
    value = env.get(name)
    op, argument = match["op"], match["argument"] or ""
    empty_counts = op is not None and op.startswith(":")
    missing = value is None or (empty_counts and value == "")
    if op is None:
        return value or ""
    if op.endswith("-"):
        return argument if missing else str(value)
    if op.endswith("?"):
        if missing:
            raise InterpolationError(f"required variable {name} is missing a value: {argument}")
        return str(value)
    return "" if missing else argument  # the `+` forms


def interpolate_text(text: str, env: Mapping[str, str]) -> str:
    result = _VARIABLE.sub(lambda match: _replace(match, env), text)
    stray = re.sub(r"\$\$", "", _VARIABLE.sub("", text))
    if "$" in stray:
        raise InterpolationError(f"invalid interpolation format in {text!r}")
    return result


def interpolate(value: Any, env: Mapping[str, str]) -> Any:
    """Every string inside `value` (a parsed compose document) with its variables replaced."""
    if isinstance(value, str):
        return interpolate_text(value, env)
    if isinstance(value, dict):
        return {key: interpolate(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, env) for item in value]
    return value


def variables(value: Any) -> set[str]:
    """The names of every variable the document's strings use."""
    if isinstance(value, str):
        return {match["braced"] or match["bare"] for match in _VARIABLE.finditer(value)} - {None}
    if isinstance(value, dict):
        return set().union(*(variables(item) for item in value.values()))
    if isinstance(value, list):
        return set().union(*(variables(item) for item in value))
    return set()


def load(env: Mapping[str, str], path: Path = COMPOSE_FILE) -> dict[str, Any]:
    """Parsed, then interpolated with `env`, as `docker compose config` would see it."""
    document: dict[str, Any] = interpolate(parse(path), env)
    return document


def health_urls(document: Mapping[str, Any]) -> dict[str, str]:
    """service -> the HEALTH_URL its environment sets (services without one use the image's)."""
    urls = {}
    for name, service in document["services"].items():
        environment = service.get("environment") or {}
        if isinstance(environment, dict) and "HEALTH_URL" in environment:
            urls[name] = str(environment["HEALTH_URL"])
    return urls


PORTS_BEYOND_THIS_MACHINE = "Ports open beyond this machine"
"""The heading of docs/deploy.md under which a port published beyond loopback says why."""


def _published(port: Any) -> tuple[str, str] | None:
    """(host address, published port) of one `ports` entry; None if nothing is published."""
    if isinstance(port, dict):
        if "published" not in port:
            return None
        return str(port.get("host_ip", "0.0.0.0")), str(port["published"])
    parts = str(port).split("/")[0].rsplit(":", 2)
    if len(parts) == 1:  # "8080": a random host port, on every address
        return "0.0.0.0", ""
    if len(parts) == 2:  # "8080:8080": every address
        return "0.0.0.0", parts[0]
    return parts[0].strip("[]"), parts[1]


def _named_volumes(service: Mapping[str, Any]) -> list[str]:
    names = []
    for volume in service.get("volumes") or []:
        if isinstance(volume, dict):
            source = volume.get("source", "") if volume.get("type", "volume") == "volume" else ""
        else:
            source = str(volume).split(":")[0] if ":" in str(volume) else ""
        if source and not source.startswith((".", "/", "~", "$")):
            names.append(source)
    return names


def _env_files(service: Mapping[str, Any]) -> list[tuple[str, bool]]:
    """(path, required) of each env_file; the short forms are required."""
    listed = service.get("env_file") or []
    entries = [listed] if isinstance(listed, str) else listed
    return [
        (entry["path"], bool(entry.get("required", True)))
        if isinstance(entry, dict)
        else (str(entry), True)
        for entry in entries
    ]


def problems(
    document: Mapping[str, Any],
    *,
    image_healthcheck: list[str],
    deploy_doc: str,
    root: Path = ROOT,
) -> list[str]:
    """What the Compose schema cannot see: references that lead nowhere, files that are not
    there, ports open beyond this machine without a word why, healthchecks not the image's."""
    found = []
    services: Mapping[str, Any] = document.get("services") or {}
    volumes = set(document.get("volumes") or {})
    explained = deploy_doc.partition(f"## {PORTS_BEYOND_THIS_MACHINE}")[2].partition("\n## ")[0]
    for name, service in services.items():
        for volume in _named_volumes(service):
            if volume not in volumes:
                found.append(f"{name}: volume {volume!r} is not declared under `volumes:`")
        depends = service.get("depends_on") or {}
        for other in depends:
            if other not in services:
                found.append(f"{name}: depends_on {other!r}, which is not a service")
            elif isinstance(depends, dict) and depends[other].get("condition") == (
                "service_healthy"
            ):
                has_check = "healthcheck" in services[other] or "build" in services[other]
                if not has_check:
                    found.append(f"{name}: waits for {other!r} to be healthy; it has no check")
        for path, required in _env_files(service):
            if required and not (root / path).is_file():
                found.append(f"{name}: env_file {path!r} is required and missing")
        for port in service.get("ports") or []:
            published = _published(port)
            if published is None or published[0] == "127.0.0.1":
                continue
            if not published[1] or f"`{published[1]}`" not in explained:
                found.append(
                    f"{name}: port {port!r} is open beyond this machine; bind it to 127.0.0.1 "
                    f'or say why in docs/deploy.md, "{PORTS_BEYOND_THIS_MACHINE}"'
                )
        check = service.get("healthcheck")
        if "build" in service and check is not None and check.get("test") != image_healthcheck:
            found.append(f"{name}: its healthcheck is not the image's (set HEALTH_URL instead)")
    return found
