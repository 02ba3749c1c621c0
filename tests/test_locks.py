"""The locks agree with pyproject.toml: every declared requirement is pinned, with hashes.

`make lock` regenerates them (uv); this test says when someone forgot to.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).parents[1]
RUNTIME = ROOT / "requirements" / "runtime.lock"
DEV = ROOT / "requirements" / "dev.lock"
PIN = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>[^ ;\\]+)")


def pins(lock: Path) -> dict[str, str]:
    """name -> version of every package a lock pins; each must carry at least one hash."""
    found: dict[str, str] = {}
    name = None
    for line in lock.read_text(encoding="utf-8").splitlines():
        if match := PIN.match(line):
            name = canonicalize_name(match["name"])
            found[name] = match["version"]
        elif line.strip().startswith("--hash=sha256:") and name is not None:
            name = None
        elif name is not None and not line.startswith(" "):
            pytest.fail(f"{lock.name}: {name} is pinned without a hash")
    return found


def declared(extra: str | None = None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = project["dependencies"] if extra is None else project["optional-dependencies"][extra]
    return [Requirement(text) for text in names]


def disagreements(requirements: list[Requirement], locked: dict[str, str], lock: str) -> list[str]:
    problems = []
    for requirement in requirements:
        version = locked.get(canonicalize_name(requirement.name))
        if version is None:
            problems.append(f"{requirement} is declared in pyproject.toml but not in {lock}")
        elif not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{lock} pins {requirement.name}=={version}, outside {requirement}")
    return problems


def test_the_runtime_lock_pins_every_runtime_requirement_and_no_dev_tool() -> None:
    locked = pins(RUNTIME)
    assert disagreements(declared(), locked, RUNTIME.name) == [], "run `make lock`"
    dev_only = {canonicalize_name(r.name) for r in declared("dev")} - {
        canonicalize_name(r.name) for r in declared()
    }
    assert dev_only.isdisjoint(locked), "the runtime lock must not carry dev tools"


def test_the_dev_lock_pins_everything_and_agrees_with_the_runtime_lock() -> None:
    locked = pins(DEV)
    problems = disagreements(declared() + declared("dev"), locked, DEV.name)
    assert problems == [], "run `make lock`"
    runtime = pins(RUNTIME)
    differ = {name: (v, locked.get(name)) for name, v in runtime.items() if locked.get(name) != v}
    assert differ == {}, "dev.lock must pin runtime packages as runtime.lock does"


def test_every_requirement_is_pinned_to_its_minor_version() -> None:
    """`~=0.54` would allow 0.99; `~=0.54.0` allows only 0.54.x."""
    loose = [
        str(r)
        for r in declared() + declared("dev")
        if any(s.operator == "~=" and s.version.count(".") < 2 for s in r.specifier)
    ]
    assert loose == []


@pytest.mark.parametrize(
    ("command", "says"),
    [
        ("discord-tutor-bot", "backup"),
        ("discord-tutor-service", "verify"),
        ("discord-tutor-check", "check"),
    ],
)
def test_the_console_entry_points_run(command: str, says: str) -> None:
    script = Path(sys.executable).parent / command
    done = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert says in done.stdout
