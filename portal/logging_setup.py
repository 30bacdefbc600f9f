"""Structured (JSON lines) logging with a request id on every line."""

from __future__ import annotations

import json
import logging
import sys
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        # Structured fields passed as `extra={"fields": {...}}` (the gunicorn access log's).
        entry.update(getattr(record, "fields", None) or {})
        if has_request_context():
            entry["request_id"] = g.get("request_id")
            entry["path"] = request.path
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(app: Flask) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    for name in ("portal", "search", "matching", app.logger.name):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.setLevel(app.config["LOG_LEVEL"])
        logger.propagate = app.testing  # let pytest's caplog see records in tests

    @app.before_request
    def assign_request_id() -> None:
        g.request_id = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex[:16]
