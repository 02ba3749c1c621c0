"""The testing pack's question about pytest-django (django-db-transaction-true) cannot run in
the tutor, and pytest-django is not installed; its mechanism is shown here on PostgreSQL: a row
written inside an open transaction on the main thread's connection is invisible to the async
ORM, whose query runs in asgiref's worker thread on a connection of its own."""

from __future__ import annotations

import subprocess
import sys
import uuid
from urllib.parse import urlsplit

from exercises import load_catalog
from tests.postgres import require_postgres, server_url

SCRIPT = """
import asyncio, sys
import django
from django.conf import settings

settings.configure(
    INSTALLED_APPS=["tutor.library.apps.LibraryConfig"],
    DATABASES={"default": {
        "ENGINE": "django.db.backends.postgresql", "NAME": sys.argv[1], "USER": sys.argv[2],
        "HOST": sys.argv[3], "PORT": sys.argv[4], "PASSWORD": sys.argv[6],
        "OPTIONS": {"options": f"-c search_path={sys.argv[5]}"},
    }},
)
django.setup()
from django.db import connection, transaction
from tutor.library.models import Author, Book

with connection.cursor() as cursor:
    cursor.execute(f"CREATE SCHEMA {sys.argv[5]}")
try:
    with connection.schema_editor() as editor:
        editor.create_model(Author)
        editor.create_model(Book)

    async def seen_by_the_async_orm():  # what the test body does, on pytest-asyncio's loop
        return await Author.objects.filter(name="N. K. Jemisin").aexists()

    with transaction.atomic():  # what a plain django_db mark opens around the test
        Author.objects.create(name="N. K. Jemisin")  # the sync fixture, main thread
        main_thread = Author.objects.filter(name="N. K. Jemisin").exists()
        print(main_thread, asyncio.run(seen_by_the_async_orm()))
        transaction.set_rollback(True)
finally:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA {sys.argv[5]} CASCADE")
"""


def test_the_async_orm_cannot_see_a_row_the_tests_open_transaction_holds() -> None:
    require_postgres()
    question = load_catalog().get("testing-async-django/django-db-transaction-true")
    url = urlsplit(server_url())
    schema = f"claim_{uuid.uuid4().hex[:12]}"
    arguments = [
        url.path.lstrip("/"),
        url.username or "",
        url.hostname or "",
        str(url.port or 5432),
    ]

    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, *arguments, schema, url.password or ""],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.stdout.split() == ["True", "False"], result.stderr
    assert "another thread's connection" in question.option(question.correct).text
