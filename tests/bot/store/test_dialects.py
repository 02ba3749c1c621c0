"""Every statement written for both databases (bot/store/dialects.py) is valid SQL for each,
and so is every statement of the PostgreSQL store's own: each is prepared, never run, on
a schema migrated to the latest version. A column renamed in one dialect's schema or a
statement edited for one side only fails here, naming the statement."""

from __future__ import annotations

import importlib
import pkgutil
import re
import sqlite3
from pathlib import Path

import psycopg
import pytest

import bot.store
from bot.store import pg_queries
from bot.store.dialects import BothDialects
from bot.store.pg_compat import translate
from bot.store.postgres import PostgresStore
from bot.store.schema import open_for_writing
from tests.postgres import fresh_schema


def both_dialects() -> dict[str, BothDialects]:
    """module.NAME -> each statement written for both databases, in every store module."""
    found = {}
    for module_info in pkgutil.iter_modules(bot.store.__path__):
        module = importlib.import_module(f"bot.store.{module_info.name}")
        for name, value in vars(module).items():
            if isinstance(value, BothDialects):
                found[f"{module_info.name}.{name}"] = value
    return found


def postgres_statements() -> dict[str, str]:
    """name -> PostgreSQL's SQL, as psycopg is given it."""
    statements = {name: translate(s.postgresql, ())[0] for name, s in both_dialects().items()}
    for name, value in vars(pg_queries).items():
        words = value.split(None, 1) if isinstance(value, str) else []
        if name.isupper() and words and words[0].upper() in {"SELECT", "INSERT", "WITH"}:
            statements[f"pg_queries.{name}"] = value
    return statements


def numbered(statement: str) -> str:
    """psycopg's placeholders (%s, %(name)s) as PostgreSQL's own ($1, $2 ...)."""
    names: dict[str, int] = {}
    count = 0

    def number(match: re.Match[str]) -> str:
        nonlocal count
        if match[0] == "%%":
            return "%"
        if match[1] is None or match[1] not in names:
            count += 1
            if match[1] is not None:
                names[match[1]] = count
            return f"${count}"
        return f"${names[match[1]]}"

    return re.sub(r"%%|%\((\w+)\)s|%s", number, statement)


def test_the_statements_written_for_both_are_found():
    assert {"queries.PICK_RATES", "quizzes._SKIP_DAY", "pattern_tests._NEXT_QUESTION"} <= set(
        both_dialects()
    )


@pytest.mark.parametrize("name", sorted(both_dialects()))
async def test_sqlite_reads_its_form(name, tmp_path: Path):
    statement = both_dialects()[name]
    await (await open_for_writing(tmp_path / "t.sqlite3")).close()
    names = dict.fromkeys(re.findall(r"(?<![:\w]):([A-Za-z_]\w*)", statement))
    values = names or (None,) * statement.count("?")
    with sqlite3.connect(tmp_path / "t.sqlite3") as db:
        db.execute(f"EXPLAIN {statement}", values)  # compiled, not run


@pytest.mark.postgres
async def test_postgresql_reads_every_statement_the_store_sends_it():
    refused = {}
    async with fresh_schema() as url:
        await (await PostgresStore.open(url)).close()  # migrated to the latest version
        async with await psycopg.AsyncConnection.connect(url.secret(), autocommit=True) as db:
            for number, (name, statement) in enumerate(sorted(postgres_statements().items())):
                try:
                    await db.execute(f"PREPARE checked_{number} AS {numbered(statement)}")
                except psycopg.Error as error:
                    refused[name] = str(error).splitlines()[0]
    assert len(postgres_statements()) > 10
    assert refused == {}
