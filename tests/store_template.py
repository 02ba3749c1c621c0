"""A new SQLite store for a test: a copy of one that TutorStore.open made once in this process.

Creating a store runs every Alembic migration, ~0.1 s of CPU each time; hundreds of tests
only need a new, empty store of the current schema. The first of them in a test process has
TutorStore.open create one in a folder of its own (a file holding its schema and its
`alembic_version` row, nothing else); each later one copies that file, which is what a new
store is. Creating, upgrading or refusing a database is tested where it is the point
(tests/bot/store/test_sqlite.py, test_upgrade*.py, and every bot started as a process).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from bot.store import TutorStore

_folder = tempfile.TemporaryDirectory(prefix="tutor-store-template-")
_made: list[Path] = []


async def new_sqlite_store(path: Path) -> Path:
    """`path`, made a new store unless something is there already (a test reopening its own)."""
    template = await _template()
    _copy_unless_there(template, path)
    return path


def _copy_unless_there(template: Path, path: Path) -> None:
    if not path.exists():  # a few KB: no thread needed
        shutil.copyfile(template, path)


async def _template() -> Path:
    if not _made:
        made = Path(tempfile.mkdtemp(dir=_folder.name)) / "template.sqlite3"
        await (await TutorStore.open(made)).close()
        _made.append(made)
    return _made[0]
