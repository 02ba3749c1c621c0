"""One name, one meaning: no class or module constant is defined in two modules of ours.

A name found anywhere in bot/, tutor/ or exercises/ means one thing; a second meaning gets a
name of its own, and a shared one is imported from where it is defined.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "tutor", "exercises")


def definitions(path: Path) -> set[str]:
    """Public classes and UPPER_CASE constants defined at module level (not type variables)."""
    names = set()
    for node in ast.parse(path.read_text(), str(path)).body:
        if isinstance(node, ast.ClassDef):
            names.add(node.name)
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        if isinstance(node, ast.Assign) and _is_type_variable(node.value):
            continue
        for target in targets:
            if isinstance(target, ast.Name) and target.id.isupper():
                names.add(target.id)
    return {name for name in names if not name.startswith("_")}


def _is_type_variable(value: ast.expr) -> bool:
    return isinstance(value, ast.Call) and getattr(value.func, "id", "") == "TypeVar"


def test_no_name_is_defined_twice():
    where: dict[str, list[str]] = defaultdict(list)
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for name in definitions(path):
                where[name].append(str(path.relative_to(ROOT)))
    twice = {name: sorted(places) for name, places in where.items() if len(places) > 1}
    assert twice == {}
