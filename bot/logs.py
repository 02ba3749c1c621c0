"""The bot's logs: one line per event, readable text or (LOG_FORMAT=json) one JSON object.

In JSON mode every line on stderr parses: discord.py's and other libraries' records go
through the same handler, a traceback is a field (`exc_info`) of its line, and Python
warnings are logged too. Records logged while a click is handled carry its ids (guild_id,
member_id, post_id, interaction_id): `about_interaction` sets them for the handler's task
and everything it starts. JSON by python-json-logger; no hand-written encoding.
"""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter

IDS = ("guild_id", "member_id", "post_id", "interaction_id")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s%(about)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"

_about: ContextVar[dict[str, int]] = ContextVar("about", default={})  # noqa: B039 (never mutated)


def about_interaction(**ids: int | None) -> None:
    """Tag this task's later log records (and its child tasks') with these ids."""
    _about.set({name: value for name, value in ids.items() if value is not None})


class _WithIds(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        ids = _about.get()
        for name in IDS:
            if name in ids and not hasattr(record, name):
                setattr(record, name, ids[name])
        shown = " ".join(f"{name}={getattr(record, name)}" for name in IDS if hasattr(record, name))
        record.about = f" [{shown}]" if shown else ""
        return True


class _Json(JsonFormatter):
    def add_fields(
        self,
        log_record: dict[str, object],
        record: logging.LogRecord,
        message_dict: dict[str, object],
    ) -> None:
        super().add_fields(log_record, record, message_dict)
        log_record.pop("about", None)  # the text format's rendering of the ids


def configure(level: str, log_format: str) -> None:
    """Once per process, before anything logs: the root handler on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_WithIds())
    if log_format == "json":
        handler.setFormatter(_Json(JSON_FIELDS, rename_fields={"levelname": "level"}))
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    logging.captureWarnings(True)
    if log_format == "json":
        sys.excepthook = _log_uncaught
    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per tutor request


def _log_uncaught(kind: type[BaseException], error: BaseException, trace: object) -> None:
    logging.getLogger("bot").critical("stopped by an uncaught error", exc_info=error)
