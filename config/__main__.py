"""`python -m config docs`: write the settings table of docs/deploy.md and `.env.example`
from the registry, in the current folder (the repository's root)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from config.docs import write


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m config", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("docs", help="write docs/deploy.md's settings table and .env.example")
    parser.parse_args(argv)
    write(Path.cwd())
    print("wrote the settings table in docs/deploy.md and .env.example")
    return 0


if __name__ == "__main__":
    sys.exit(main())
