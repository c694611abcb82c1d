"""Structured logs: one JSON object per line on stdout, for journald, Docker or a collector.

    {"ts": "2026-12-03T01:50:00.123Z", "level": "WARNING", "logger": "django.request",
     "msg": "Not Found: /no-such-page/", "status": 404, "method": "GET", "path": "/no-such-page/"}

Used by the settings (`LOGGING = logging_config(...)`) and by gunicorn's access log
(deploy/gunicorn.conf.py: `logconfig_dict = gunicorn_logconfig()`). Standard library only, and
no Django import at module level: gunicorn reads this before Django is set up.

Nothing personal is written: request lines carry the path without its query string (lookups
and rating links carry phone numbers and tokens there), and never the client's address.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import traceback
from typing import Any

# Attributes every LogRecord has; anything else was passed with `extra=` and is kept.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}
_OMIT = {"request", "server_time"}  # Django's request object; runserver's own timestamp


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


class JsonFormatter(logging.Formatter):
    """A LogRecord as one line of JSON (UTF-8, Chinese kept readable)."""

    def format(self, record: logging.LogRecord) -> str:
        body: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            body.update(_access_fields(record.args))
        else:
            body["msg"] = record.getMessage()
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "method"):
            body["method"] = request.method
            body["path"] = request.path  # no query string
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in _OMIT and key not in body:
                body[key] = _jsonable(value)
        if "status_code" in body:
            body["status"] = body.pop("status_code")
        if record.exc_info:
            body["exc"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        return json.dumps(body, ensure_ascii=False, default=str)


def _access_fields(atoms: dict[str, Any]) -> dict[str, Any]:
    """Gunicorn's access-log atoms, minus the client address and the query string."""
    fields: dict[str, Any] = {
        "msg": "request",
        "method": atoms.get("m"),
        "path": atoms.get("U"),
        "status": _int(atoms.get("s")),
        "bytes": _int(atoms.get("B")),
        "duration_ms": round(_int(atoms.get("D")) / 1000, 1),
    }
    return {key: value for key, value in fields.items() if value not in (None, "-")}


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def logging_config(level: str = "WARNING", json_lines: bool = True) -> dict[str, Any]:
    """The settings' LOGGING: everything to stdout, as JSON lines unless `json_lines` is off
    (a developer reading runserver's output)."""
    formatter = (
        {"()": JsonFormatter} if json_lines else {"format": "%(levelname)s %(name)s %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"zuofeng": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "zuofeng",
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own loggers propagate to the root; no second handler of their own.
            "django": {"handlers": [], "level": level, "propagate": True},
        },
    }


def gunicorn_logconfig(level: str = "INFO") -> dict[str, Any]:
    """gunicorn's `logconfig_dict`: its error and access logs as JSON lines on stdout."""
    config = logging_config(level)
    config["loggers"] = {
        "gunicorn.error": {"handlers": ["console"], "level": level, "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    }
    return config
