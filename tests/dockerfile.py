"""Reading the Dockerfile and .dockerignore, for tests/test_docker.py and for
.ci/docker_env.py (which builds the runtime environment with the Dockerfile's own commands).

Only what those two need: instructions with continuation lines joined, and the build context
as .dockerignore leaves it. compose.yaml is read as YAML by tests/compose.py.
"""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).parents[1]


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str

    def exec_form(self) -> list[str]:
        """CMD ["a", "b"] -> ["a", "b"]; HEALTHCHECK options ... CMD [...] likewise."""
        text = self.arguments
        if self.keyword == "HEALTHCHECK":
            text = text[text.index("CMD ") + len("CMD ") :]
        words = json.loads(text) if text.startswith("[") else shlex.split(text)
        return [str(word) for word in words]


def instructions(dockerfile: Path = ROOT / "Dockerfile") -> list[Instruction]:
    joined = re.sub(r"\\\n", " ", dockerfile.read_text(encoding="utf-8"))
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, arguments = line.partition(" ")
            found.append(Instruction(keyword.upper(), " ".join(arguments.split())))
    return found


def env(found: list[Instruction]) -> dict[str, str]:
    """The image's ENV, in order (KEY=value form only)."""
    values: dict[str, str] = {}
    for instruction in found:
        if instruction.keyword == "ENV":
            for pair in shlex.split(instruction.arguments):
                key, _, value = pair.partition("=")
                values[key] = value
    return values


def copies(found: list[Instruction]) -> list[tuple[list[str], str]]:
    """(sources, destination) of every COPY."""
    result = []
    for instruction in found:
        if instruction.keyword == "COPY":
            *sources, destination = shlex.split(instruction.arguments)
            result.append((sources, destination))
    return result


def in_context(relative: str, ignore: Path = ROOT / ".dockerignore") -> bool:
    """Whether .dockerignore lets this path into the build context (last match wins)."""
    included = True
    for line in ignore.read_text(encoding="utf-8").splitlines():
        pattern = line.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negated = pattern.startswith("!")
        pattern = pattern.lstrip("!").rstrip("/")
        parts = Path(relative).parts
        prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
        if any(
            fnmatch.fnmatch(prefix, pattern) or fnmatch.fnmatch(prefix, f"*/{pattern}")
            for prefix in prefixes
        ):
            included = negated
    return included


def context_files(source: str) -> list[Path]:
    """The files under `source` that reach the build context."""
    path = ROOT / source
    candidates = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    return [p for p in candidates if in_context(p.relative_to(ROOT).as_posix())]
