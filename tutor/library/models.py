"""Author, Book and Shelf, as documented for content authors in exercises/README.md.

Fields are annotated by hand: the service's settings are built in code, so mypy runs without
the django-stubs plugin (which needs a settings module).
"""

from __future__ import annotations

from typing import Any

from django.db import models


class Author(models.Model):
    name: models.CharField[str, str] = models.CharField(max_length=100, unique=True)

    class Meta:
        app_label = "library"
        ordering = ("id",)

    def __str__(self) -> str:
        return str(self.name)


class Book(models.Model):
    title: models.CharField[str, str] = models.CharField(max_length=200)
    author: models.ForeignKey[Author, Author] = models.ForeignKey(
        Author, on_delete=models.CASCADE, related_name="books"
    )
    year: models.IntegerField[int, int] = models.IntegerField()
    pages: models.IntegerField[int, int] = models.IntegerField()

    class Meta:
        app_label = "library"
        ordering = ("id",)

    def __str__(self) -> str:
        return str(self.title)


class Shelf(models.Model):
    """A display shelf: a book can stand on several shelves, a shelf holds several books."""

    name: models.CharField[str, str] = models.CharField(max_length=100, unique=True)
    books: models.ManyToManyField[Book, Any] = models.ManyToManyField(
        Book, related_name="shelves", blank=True
    )

    class Meta:
        app_label = "library"
        ordering = ("id",)

    def __str__(self) -> str:
        return str(self.name)
