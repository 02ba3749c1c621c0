"""TOML exercise files -> a validated Catalog; every problem reported, naming file and field.

Nothing half-valid escapes: `load_catalog` returns a complete catalog or raises
ContentError with all the problems found. Reads files only; never runs example code.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exercises.content_checks import check_exercises
from exercises.errors import ContentError, Problem
from exercises.fields import Fields
from exercises.model import AnyExercise, Pack
from exercises.schema import ID_PATTERN, read_exercise

SHIPPED_PACKS = Path(__file__).parent / "packs"
PACK_FILE = "pack.toml"


@dataclass(frozen=True)
class Catalog:
    """Every loaded pack and exercise, in a stable order (pack folder, then file name)."""

    packs: Mapping[str, Pack]
    exercises: Mapping[str, AnyExercise]

    def get(self, exercise_id: str) -> AnyExercise:
        return self.exercises[exercise_id]

    def in_pack(self, pack_id: str) -> list[AnyExercise]:
        return [exercise for exercise in self.exercises.values() if exercise.pack == pack_id]


def load_catalog(path: Path | None = None) -> Catalog:
    """Load a folder of packs (or one pack folder); raise ContentError listing every problem."""
    problems: list[Problem] = []
    catalog = _load(path or SHIPPED_PACKS, problems)
    if problems:
        raise ContentError(problems)
    return catalog


def check(path: Path | None = None) -> list[Problem]:
    """Every problem in a folder of packs; an empty list means it would load."""
    problems: list[Problem] = []
    _load(path or SHIPPED_PACKS, problems)
    return problems


def _pack_folders(root: Path) -> Iterator[Path]:
    if (root / PACK_FILE).is_file():
        yield root
        return
    yield from (folder for folder in sorted(root.iterdir()) if (folder / PACK_FILE).is_file())


def _load(root: Path, problems: list[Problem]) -> Catalog:
    if not root.is_dir():
        problems.append(Problem(root, "", "is not a folder of exercise packs"))
        return Catalog({}, {})
    packs: dict[str, Pack] = {}
    exercises: dict[str, AnyExercise] = {}
    folders = list(_pack_folders(root))
    if not folders:
        problems.append(Problem(root, "", f"holds no pack (a folder with a {PACK_FILE})"))
    for folder in folders:
        pack = _read_pack(folder / PACK_FILE, problems)
        if pack is None:
            continue
        if pack.id in packs:
            problems.append(Problem(folder / PACK_FILE, "id", f"duplicate pack id {pack.id!r}"))
            continue
        packs[pack.id] = pack
        for file in sorted(folder.glob("*.toml")):
            if file.name == PACK_FILE:
                continue
            data = _parse_toml(file, problems)
            exercise = None if data is None else read_exercise(data, file, pack.id, problems)
            if exercise is None:
                continue
            if exercise.id in exercises:
                other = exercises[exercise.id].source
                message = f"duplicate exercise id {exercise.id!r} (also in {other})"
                problems.append(Problem(file, "slug", message))
                continue
            exercises[exercise.id] = exercise
    check_exercises(list(exercises.values()), problems)
    return Catalog(packs, exercises)


def _parse_toml(file: Path, problems: list[Problem]) -> dict[str, Any] | None:
    try:
        with file.open("rb") as stream:
            return tomllib.load(stream)
    except tomllib.TOMLDecodeError as error:
        problems.append(Problem(file, "", f"is not valid TOML: {error}"))
    except (OSError, UnicodeDecodeError) as error:
        problems.append(Problem(file, "", f"cannot be read: {error}"))
    return None


def _read_pack(file: Path, problems: list[Problem]) -> Pack | None:
    data = _parse_toml(file, problems)
    if data is None:
        return None
    before = len(problems)
    fields = Fields(data, file, problems)
    pack_id = fields.text("id")
    if pack_id is not None and pack_id != file.parent.name:
        fields.problem("id", f"is {pack_id!r} but the folder is {file.parent.name!r}")
    if pack_id is not None and not ID_PATTERN.match(pack_id):
        fields.problem("id", "must be lowercase letters, digits and '-'")
    title, topic = fields.text("title", max_length=80), fields.text("topic")
    description = fields.text("description")
    fields.finish()
    if len(problems) > before or None in (pack_id, title, topic, description):
        return None
    return Pack(str(pack_id), str(title), str(topic), str(description))
