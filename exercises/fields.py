"""Reading TOML tables field by field with strict types, collecting one problem per fault.

TOML gives bool as a subclass of int and no schema; this module never converts a value
to fit (a number where text belongs is a problem) and reports keys nobody asked for.
"""

from __future__ import annotations

from collections.abc import Iterator
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from exercises.errors import Problem

_MISSING = object()


class Fields:
    """A view of one TOML table. Each getter records its key; `finish` reports the rest."""

    def __init__(self, data: dict[str, Any], file: Path, problems: list[Problem], prefix: str = ""):
        self._data = data
        self._file = file
        self._problems = problems
        self._prefix = prefix
        self._seen: set[str] = set()

    def name(self, key: str) -> str:
        return f"{self._prefix}{key}" if key else self._prefix.rstrip(".")

    def problem(self, key: str, message: str) -> None:
        self._seen.add(key)  # one problem per fault: `finish` won't call it unknown too
        self._problems.append(Problem(self._file, self.name(key), message))

    def has(self, key: str) -> bool:
        return key in self._data

    def keys(self) -> Iterator[str]:
        return iter(self._data)

    def _get(self, key: str, required: bool) -> Any:
        self._seen.add(key)
        value = self._data.get(key, _MISSING)
        if value is _MISSING and required:
            self.problem(key, "is missing")
        return value

    def _typed(self, key: str, required: bool, kinds: tuple[type, ...], what: str) -> Any:
        value = self._get(key, required)
        if value is _MISSING:
            return None
        if type(value) not in kinds:
            self.problem(key, f"must be {what}, not {_describe(value)}")
            return None
        return value

    def text(self, key: str, *, required: bool = True, max_length: int | None = None) -> str | None:
        value: str | None = self._typed(key, required, (str,), "text")
        if value is not None and not value.strip():
            self.problem(key, "must not be empty")
            return None
        if value is not None and max_length is not None and len(value) > max_length:
            self.problem(key, f"is {len(value)} characters long; at most {max_length} fit")
            return None
        return value

    def integer(self, key: str, *, required: bool = True, low: int, high: int) -> int | None:
        value: int | None = self._typed(key, required, (int,), "an integer")
        if value is not None and not low <= value <= high:
            self.problem(key, f"must be from {low} to {high}, not {value}")
            return None
        return value

    def number(self, key: str, *, required: bool = True) -> float | None:
        value: float | int | None = self._typed(key, required, (int, float), "a number")
        if value is not None and value < 0:
            self.problem(key, f"must not be negative, not {value}")
            return None
        return None if value is None else float(value)

    def boolean(self, key: str, *, required: bool = True) -> bool | None:
        value: bool | None = self._typed(key, required, (bool,), "true or false")
        return value

    def any_value(self, key: str) -> Any:
        """A value of any TOML type (JSON bodies, return values); None when absent."""
        value = self._get(key, required=False)
        return None if value is _MISSING else value

    def text_list(self, key: str, *, min_items: int = 1, max_items: int = 50) -> tuple[str, ...]:
        items = self._typed(key, True, (list,), "a list of text")
        if items is None:
            return ()
        if not min_items <= len(items) <= max_items:
            self.problem(key, f"must hold {min_items} to {max_items} items, not {len(items)}")
        good: list[str] = []
        for index, item in enumerate(items):
            if type(item) is not str or not item.strip():
                self.problem(f"{key}[{index}]", f"must be non-empty text, not {_describe(item)}")
            else:
                good.append(item)
        return tuple(good)

    def table(self, key: str, *, required: bool = True) -> Fields | None:
        value = self._typed(key, required, (dict,), "a table")
        if value is None:
            return None
        return Fields(value, self._file, self._problems, f"{self.name(key)}.")

    def tables(self, key: str, *, min_items: int, max_items: int) -> list[Fields]:
        """An array of tables (`[[key]]`), each named `key[i]`."""
        items = self._typed(key, True, (list,), "a list of tables ([[...]])")
        if items is None:
            return []
        if not min_items <= len(items) <= max_items:
            self.problem(key, f"must hold {min_items} to {max_items} items, not {len(items)}")
        found: list[Fields] = []
        for index, item in enumerate(items):
            if type(item) is not dict:
                self.problem(f"{key}[{index}]", f"must be a table, not {_describe(item)}")
            else:
                found.append(
                    Fields(item, self._file, self._problems, f"{self.name(key)}[{index}].")
                )
        return found

    def text_table(self, key: str) -> dict[str, str]:
        """A table whose values are all text (query parameters, headers)."""
        fields = self.table(key, required=False)
        if fields is None:
            return {}
        found = {name: fields.text(name) for name in list(fields.keys())}
        return {name: value for name, value in found.items() if value is not None}

    def ignore_rest(self) -> None:
        """Mark every key as read, when a problem elsewhere makes checking them moot."""
        self._seen.update(self._data)

    def finish(self) -> None:
        """Report every key that no getter asked for: a typo must not pass silently, and one
        close to a field this table has gets that field's name (and no "is missing" beside)."""
        known = sorted(self._seen)
        for key in self._data:
            if key in self._seen:
                continue
            close = get_close_matches(key, known, n=1)
            if not close:
                self.problem(key, "is not a known field (see exercises/README.md)")
                continue
            missing = Problem(self._file, self.name(close[0]), "is missing")
            self._problems[:] = [problem for problem in self._problems if problem != missing]
            self.problem(key, f"is not a known field: did you mean {close[0]}?")


def _describe(value: object) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "text"}
    names |= {list: "a list", dict: "a table"}
    return names.get(type(value), type(value).__name__)
