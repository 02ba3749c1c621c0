"""The tutor service's logs: readable text, or (LOG_FORMAT=json) one JSON object per line.

In JSON mode every line on stderr parses: uvicorn's and Django's records go through the same
root handler (uvicorn is started with log_config=None), a traceback is a field (`exc_info`)
of its line, and Python warnings are logged too. JSON by python-json-logger.
"""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

_TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"


class _Json(JsonFormatter):
    def add_fields(
        self,
        log_record: dict[str, object],
        record: logging.LogRecord,
        message_dict: dict[str, object],
    ) -> None:
        super().add_fields(log_record, record, message_dict)
        log_record.pop("color_message", None)  # uvicorn's message again, with ANSI colours


def configure(log_format: str, level: int = logging.INFO) -> None:
    """Once per process, before anything logs; forked workers inherit it."""
    handler = logging.StreamHandler(sys.stderr)
    if log_format == "json":
        handler.setFormatter(_Json(_JSON_FIELDS, rename_fields={"levelname": "level"}))
        sys.excepthook = _log_uncaught
    else:
        handler.setFormatter(logging.Formatter(_TEXT_FORMAT))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    logging.captureWarnings(True)


def _log_uncaught(kind: type[BaseException], error: BaseException, trace: object) -> None:
    logging.getLogger("tutor").critical("stopped by an uncaught error", exc_info=error)
