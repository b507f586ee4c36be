"""Log lines for operators: ``key=value`` by default, one JSON object per line with
``[bot] log_format = "json"``; fields given with ``extra=`` are kept.

One filter, :class:`Redact`, stands between every record and the output so that nothing a member
wrote reaches a log: extra fields keep numbers and the identifiers named in :data:`SAFE_FIELDS`
(room and platform ids, command names…), any other text becomes ``<redacted>``; libraries'
message arguments (an event body, a display name) are redacted the same way."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

REDACTED = "<redacted>"
OWN_LOGGERS = "cercle"
SAFE_FIELDS = frozenset(
    {
        "room",
        "platform",
        "session",
        "group",
        "reason",
        "key",
        "device",
        "database",
        "command",
        "outcome",
        "interaction",
        "job",
        "kind",
        "error",
    }
)
"""Extra fields whose text is an identifier or a fixed word of ours, never a member's words."""

_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in record.__dict__.items() if k not in _STANDARD}


class Redact(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in extra_fields(record).items():
            setattr(record, name, _field(name, value))
        if not record.name.startswith(OWN_LOGGERS) and record.args:
            if isinstance(record.args, Mapping):
                record.args = {k: _argument(v) for k, v in record.args.items()}
            else:
                record.args = tuple(_argument(arg) for arg in record.args)
        return True


def _field(name: str, value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str) and name in SAFE_FIELDS:
        return value
    return REDACTED


def _argument(value: Any) -> Any:
    return value if value is None or isinstance(value, bool | int | float) else REDACTED


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
        "level": record.levelname,
        "logger": record.name,
        "msg": record.getMessage(),
        **extra_fields(record),
    }
    if record.exc_info and record.exc_info[0] is not None:
        fields["error"] = record.exc_info[0].__name__
    return fields


class KeyValueFormatter(logging.Formatter):
    """``time=… level=INFO logger=cercle.startup msg="started" database=sqlite``."""

    def format(self, record: logging.LogRecord) -> str:
        return " ".join(f"{k}={_value(v)}" for k, v in _fields(record).items())


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(_fields(record), ensure_ascii=False, default=str)


def _value(value: Any) -> str:
    text = str(value)
    if text and not any(c.isspace() or c in '"=' for c in text):
        return text
    return json.dumps(text, ensure_ascii=False)


FORMATTERS: dict[str, type[logging.Formatter]] = {
    "text": KeyValueFormatter,
    "json": JsonFormatter,
}
