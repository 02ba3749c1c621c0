"""`python -m exercises check [PATH]`: print every problem in a folder of packs; exit 1 if any.

Without PATH it checks EXERCISES_PATH (from the environment or `.env`, as the bot and the
tutor service read it), else the shipped packs.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from config import SettingsError, exercises_path, read_environment
from exercises.errors import ContentError
from exercises.loader import SHIPPED_PACKS, load_catalog
from exercises.model import Difficulty


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m exercises", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check_command = commands.add_parser("check", help="check a folder of exercise packs")
    check_command.add_argument(
        "path", nargs="?", type=Path, help="default: EXERCISES_PATH, else the shipped packs"
    )
    arguments = parser.parse_args(argv)
    try:
        path = arguments.path or exercises_path(read_environment()) or SHIPPED_PACKS
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"checking {path}", file=sys.stderr)
    try:
        catalog = load_catalog(path)
    except ContentError as error:
        for problem in error.problems:
            print(problem)
        count = len(error.problems)
        print(f"{count} problem{'s' if count != 1 else ''} found", file=sys.stderr)
        return 1
    for pack in catalog.packs.values():
        exercises = catalog.in_pack(pack.id)
        levels = Counter(exercise.difficulty for exercise in exercises)
        summary = ", ".join(f"{levels[level]} {level}" for level in Difficulty)
        print(f"{pack.id}: {len(exercises)} exercises ({summary})")
    print(f"OK: {len(catalog.packs)} packs, {len(catalog.exercises)} exercises")
    return 0


if __name__ == "__main__":
    sys.exit(main())
