"""Create the catalogue's tables and the exact rows that exercises/README.md documents: the
books, the shelves and the members who can log in.

Runs once in the worker before it forks, so every run starts from its own copy of these rows.
"""

from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from tutor.library.models import Author, Book, Shelf

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

SHELVES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Staff picks", ("A Wizard of Earthsea", "Small Gods")),
    ("Book club", ("Kindred",)),
)
"""Shelves in primary-key order (1-2), each with the titles standing on it."""

MEMBERS: tuple[tuple[str, str, bool], ...] = (
    ("reader", "reader-pass", False),
    ("librarian", "librarian-pass", True),
)
"""Users in primary-key order (1-2): username, password, is_staff. Demo accounts of a database
that lives for one run: they are what examples log in with."""


def create_and_seed() -> None:
    with connection.schema_editor() as editor:
        # create_model also makes each model's many-to-many tables
        for model in (ContentType, Permission, Group, User, Author, Book, Shelf):
            editor.create_model(model)
    for name, books in CATALOGUE:
        author = Author.objects.create(name=name)
        for title, year, pages in books:
            Book.objects.create(title=title, author=author, year=year, pages=pages)
    for name, titles in SHELVES:
        shelf = Shelf.objects.create(name=name)
        shelf.books.set(Book.objects.filter(title__in=titles))
    for username, password, is_staff in MEMBERS:
        User.objects.create_user(username, password=password, is_staff=is_staff)
