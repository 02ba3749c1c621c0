"""Create the catalogue's tables and the exact rows that exercises/README.md documents.

Runs once in the worker before it forks, so every run starts from its own copy of these rows.
"""

from django.db import connection

from tutor.library.models import Author, Book

CATALOGUE: tuple[tuple[str, tuple[tuple[str, int, int], ...]], ...] = (
    (
        "Ursula K. Le Guin",
        (("A Wizard of Earthsea", 1968, 183), ("The Dispossessed", 1974, 387)),
    ),
    (
        "Octavia E. Butler",
        (("Kindred", 1979, 264), ("Parable of the Sower", 1993, 345)),
    ),
    ("Terry Pratchett", (("Small Gods", 1992, 284),)),
)
"""Authors in primary-key order (1-3), each with their books (title, year, pages); books 1-5."""


def create_and_seed() -> None:
    with connection.schema_editor() as editor:
        editor.create_model(Author)
        editor.create_model(Book)
    for name, books in CATALOGUE:
        author = Author.objects.create(name=name)
        for title, year, pages in books:
            Book.objects.create(title=title, author=author, year=year, pages=pages)
