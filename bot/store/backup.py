"""A consistent copy of the database while the bot goes on writing: SQLite's online backup API.

Copying the file by hand is not safe: with write-ahead logging, recent commits live in the
`-wal` file beside it, and a copy taken mid-write can be torn. The backup API reads one
snapshot (a read transaction, which never blocks the writer in WAL mode) page by page into a
new file, which is checked and then moved into place, so PATH is either the old file or a
whole new copy.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

from bot.store.errors import StoreError


class BackupFailed(StoreError):
    def __init__(self, source: Path, target: Path, problem: str) -> None:
        super().__init__(f"could not back up {source} to {target}: {problem}")


def backup(source: Path, target: Path) -> None:
    """Copy the database at `source` to `target` (replaced if it exists), consistently."""
    if not source.is_file():
        raise BackupFailed(source, target, "there is no database there (check DATABASE_PATH)")
    if target.resolve() == source.resolve():
        raise BackupFailed(source, target, "the copy must go to another file")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        with closing(sqlite3.connect(source)) as db, closing(sqlite3.connect(partial)) as copy:
            db.execute("PRAGMA busy_timeout = 5000")
            db.backup(copy)  # all pages in one step: one snapshot, however busy the writer
            problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise BackupFailed(source, target, f"the copy fails its check: {problems[:3]}")
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        os.replace(partial, target)
    except sqlite3.Error as error:
        raise BackupFailed(source, target, f"SQLite says {error}") from error
    except OSError as error:
        raise BackupFailed(source, target, error.strerror or str(error)) from error
    finally:
        partial.unlink(missing_ok=True)


def backup_before_migration(path: Path, version: int) -> Path:
    """The copy a schema migration takes first: beside the file, named by its old version.

    Never overwrites an earlier such copy: a second upgrade from the same version gets a
    numbered name.
    """
    target = path.with_name(f"{path.name}.v{version}.backup")
    number = 1
    while target.exists():
        number += 1
        target = path.with_name(f"{path.name}.v{version}.{number}.backup")
    backup(path, target)
    return target


def newest_backup(path: Path) -> Path | None:
    """The most recent backup beside the database (by time of change), if any."""
    found = [each for each in path.parent.glob(f"{path.name}*.backup") if each.is_file()]
    return max(found, key=lambda each: each.stat().st_mtime, default=None)
