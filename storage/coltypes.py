"""Column types shared by the tables and the migrations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware instant, always read back as an aware UTC ``datetime``.

    PostgreSQL stores ``timestamptz`` and returns aware values; SQLite has no time zones and
    returns naive strings.  Binding converts to UTC (and refuses naive values, which would be
    ambiguous); reading puts the UTC zone back, so both databases give the same values.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: storage needs timezone-aware values")
        utc = value.astimezone(UTC)
        # SQLite keeps the text form only: store UTC without an offset so strings sort by instant.
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def bind_processor(self, dialect: Dialect) -> Callable[[datetime | None], Any] | None:
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        def to_sqlite_text(value: datetime | None) -> str | None:
            # process_bind_param, then SQLite's DATETIME text ("YYYY-MM-DD HH:MM:SS.ffffff") in
            # one step: thousands of rows are bound at once when series are planned.
            if value is None:
                return None
            if value.utcoffset() is None:
                raise ValueError(f"naive datetime {value!r}: storage needs timezone-aware values")
            return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")

        return to_sqlite_text

    def result_processor(
        self, dialect: Dialect, coltype: object
    ) -> Callable[[Any], datetime | None] | None:
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)

        def from_sqlite_text(value: str | None) -> datetime | None:
            # SQLite's DATETIME text, then process_result_value, in one step.
            return None if value is None else datetime.fromisoformat(value).replace(tzinfo=UTC)

        return from_sqlite_text

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
