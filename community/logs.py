"""Log lines: readable text by default, one JSON object per line with COMMUNITY_LOG_FORMAT=json.

Every record created while a request is handled carries that request's ``request_id``,
``request_method`` and ``request_path`` (a log record factory adds them, so every logger and
handler sees them, pytest's caplog included; the prefixes keep them clear of other code's
``extra`` fields). The access line adds ``status`` and ``duration_ms``. JSON lines name them
request_id, method, path, status and duration_ms.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from flask import g, has_request_context, request

LOG_FORMATS = ("text", "json")
JSON_FIELDS = {"request_id": "request_id", "request_method": "method", "request_path": "path",
               "status": "status", "duration_ms": "duration_ms"}  # record attribute -> JSON key


def _record_factory_with_request(base: Any) -> Any:
    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = base(*args, **kwargs)
        if has_request_context():
            record.request_id = g.get("request_id")
            record.request_method = request.method
            record.request_path = request.path
        else:
            record.request_id = None
        return record

    make_record.adds_request_fields = True
    return make_record


def add_request_fields_to_records() -> None:
    """Install the record factory once per process (later calls change nothing)."""
    current = logging.getLogRecordFactory()
    if not getattr(current, "adds_request_fields", False):
        logging.setLogRecordFactory(_record_factory_with_request(current))


class TextFormatter(logging.Formatter):
    """``2026-11-29 12:00:00,123 INFO community.access [3f9c…]: GET /questions 200 4.1 ms``"""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:
        request_id = getattr(record, "request_id", None)
        tag = f" [{request_id}]" if request_id else ""
        return f"{record.asctime} {record.levelname} {record.name}{tag}: {record.message}"


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for attribute, key in JSON_FIELDS.items():
            value = getattr(record, attribute, None)
            if value is not None:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def formatter_for(log_format: str) -> logging.Formatter:
    if log_format not in LOG_FORMATS:
        raise RuntimeError(f"COMMUNITY_LOG_FORMAT must be text or json, not {log_format!r}")
    return JsonFormatter() if log_format == "json" else TextFormatter()


class CommunityLogHandler(logging.StreamHandler):
    """The root handler this application installs (recognised so a second app replaces it)."""


def configure_logging(config: Mapping[str, Any]) -> None:
    """Log to stderr in LOG_FORMAT at LOG_LEVEL.

    A logging setup made by someone else (pytest, a host application) is kept: the handler is only
    installed when the root logger has none but ours.
    """
    add_request_fields_to_records()
    formatter = formatter_for(str(config.get("LOG_FORMAT", "text")).strip().lower())
    level = str(config.get("LOG_LEVEL", "INFO")).strip().upper()
    if not isinstance(logging.getLevelName(level), int):
        raise RuntimeError(f"COMMUNITY_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {level!r}")
    root = logging.getLogger()
    ours = [h for h in root.handlers if isinstance(h, CommunityLogHandler)]
    if len(ours) != len(root.handlers):
        return
    for handler in ours:
        root.removeHandler(handler)
    handler = CommunityLogHandler(sys.stderr)
    handler.setFormatter(formatter)
    root.addHandler(handler)
    root.setLevel(level)
