"""`python -m bot migrate-to URL`: copy every row of the SQLite store into an empty
PostgreSQL store through the one MetaData (bot.store.tables), then check that every table
holds the same rows on both sides.

Both are first brought to the newest schema (the SQLite file with its usual backup), so
they have the same tables and columns. The copy is one PostgreSQL transaction: everything
is copied or nothing is. Id sequences are moved past the copied ids, so the next post or
attempt gets a new id. The SQLite file is only read.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bot.store import upgrade
from bot.store.errors import StoreError
from bot.store.location import PostgresUrl
from bot.store.store import TutorStore
from bot.store.tables import metadata

ROWS_PER_INSERT = 1_000


class CopyFailed(StoreError):
    pass


@dataclass(frozen=True, slots=True)
class CopiedTable:
    name: str
    rows: int


async def copy_to_postgres(source: Path, target: PostgresUrl) -> list[CopiedTable]:
    """Copy and verify; returns each table with its row count. Raises CopyFailed, naming
    the table, if the target already holds rows or a table's contents differ after."""
    if not await asyncio.to_thread(source.is_file):
        raise CopyFailed(f"there is no SQLite database at {source} (check DATABASE_PATH)")
    for location in (source, target):
        async with await TutorStore.open(location):  # the newest schema on both sides
            pass
    return await asyncio.to_thread(_copy, source, target)


def _copy(source: Path, target: PostgresUrl) -> list[CopiedTable]:
    lite = sa.create_engine(f"sqlite:///file:{source}?mode=ro&uri=true", poolclass=sa.NullPool)
    postgres = upgrade.postgresql_engine(target)
    try:
        with lite.connect() as reads, postgres.connect() as writes:
            with writes.begin():
                _refuse_if_not_empty(writes, target)
                copied = [_copy_table(reads, writes, table) for table in metadata.sorted_tables]
                _advance_sequences(writes)
            for table in metadata.sorted_tables:
                verify(reads, writes, table)
    finally:
        lite.dispose()
        postgres.dispose()
    return copied


def _refuse_if_not_empty(writes: sa.Connection, target: PostgresUrl) -> None:
    for table in metadata.sorted_tables:
        if writes.execute(sa.select(sa.exists().select_from(table))).scalar():
            raise CopyFailed(
                f"{target} already holds rows (table {table.name}); migrate into an empty "
                "database, nothing was copied"
            )


def _copy_table(reads: sa.Connection, writes: sa.Connection, table: sa.Table) -> CopiedTable:
    count = 0
    rows = reads.execution_options(yield_per=ROWS_PER_INSERT).execute(sa.select(table))
    for chunk in rows.mappings().partitions():
        writes.execute(sa.insert(table), [dict(row) for row in chunk])
        count += len(chunk)
    return CopiedTable(table.name, count)


def _advance_sequences(writes: sa.Connection) -> None:
    for table in metadata.sorted_tables:
        for column in table.primary_key.columns:
            if column.identity is None:
                continue
            highest = writes.execute(sa.select(sa.func.max(column))).scalar() or 0
            sequence = sa.func.pg_get_serial_sequence(table.name, column.name)
            writes.execute(sa.select(sa.func.setval(sequence, highest + 1, False)))


def verify(reads: sa.Connection, writes: sa.Connection, table: sa.Table) -> None:
    """Raise CopyFailed unless `table` holds the same rows on both sides."""
    source = _all(reads, table)
    copied = _all(writes, table)
    if copied != source:
        differing = next(
            (pair for pair in zip(source, copied, strict=False) if pair[0] != pair[1]), None
        )
        raise CopyFailed(
            f"table {table.name}: {len(source)} rows in SQLite, {len(copied)} in PostgreSQL, "
            f"and their contents differ (first difference: {differing})"
        )


def _all(connection: sa.Connection, table: sa.Table) -> list[tuple[Any, ...]]:
    return sorted((tuple(row) for row in connection.execute(sa.select(table))), key=repr)
