"""Rows to domain values and back: one mapping per entity, derived from its dataclass and table.

The domain's frozen dataclasses are not mapped by an ORM.  A :class:`RowMap` pairs a dataclass
with its table and converts, for every field that is also a column, by what the field's type
and the column's type say:

- an enumeration (``Role``, ``SessionState``…) is stored as its value;
- a tuple in a JSON column is stored as a list, a dict as a dict (copied); a dict of instants
  (``dict[str, datetime]``) keeps each instant as ISO text in UTC;
- a ``datetime`` in a text column is a wall-clock time: ISO text without offset (a naive
  datetime; an aware one is refused);
- everything else goes as it is: instants through :class:`storage.coltypes.UTCDateTime`,
  numbers, text and booleans through the driver.

A field that is not a column (``Stick.spoken``, ``JournalEntry.text``) is given by the caller
when loading; a column that is not a field (``speaking_turns.id``) is left out.  Adding a field
to a dataclass and the column of the same name to its table is all a repository needs.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import fields
from datetime import UTC, datetime
from enum import Enum
from typing import Any, Generic, TypeVar, Union, get_args, get_origin, get_type_hints

from sqlalchemy import JSON, Column, String, Table

from bot.domain import (
    Attendance,
    Group,
    Job,
    JournalEntry,
    Member,
    PauseRequest,
    Series,
    Session,
    SpeakingTurn,
    Stick,
    Theme,
    ThemeVote,
)
from storage.tables import (
    attendance,
    groups,
    jobs,
    journal_entries,
    members,
    pause_requests,
    series,
    sessions,
    speaking_turns,
    sticks,
    theme_votes,
    themes,
)

T = TypeVar("T")
Convert = Callable[[Any], Any]


def _without_none(hint: Any) -> tuple[Any, bool]:
    """``X`` and whether the field may be None, for a hint ``X`` or ``X | None``."""
    if get_origin(hint) in (Union, types.UnionType):
        kept = [arg for arg in get_args(hint) if arg is not type(None)]
        if len(kept) == 1:
            return kept[0], True
    return hint, False


def _wall_clock_text(value: datetime) -> str:
    if value.tzinfo is not None:
        raise ValueError(f"{value!r}: a wall-clock time is a naive datetime")
    return value.isoformat(timespec="minutes")


def _converters(hint: Any, column: Column[Any]) -> tuple[Convert | None, Convert | None]:
    """(load, dump) for a field of type ``hint`` stored in ``column``; None: as it is."""
    kind = get_origin(hint) or hint
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind, _enum_value
    if isinstance(column.type, JSON):
        if kind is tuple:
            return tuple, list
        if kind is dict:
            if get_args(hint)[1:] == (datetime,):
                return _instants, _instant_texts
            return dict, dict
    if kind is datetime and isinstance(column.type, String):
        return datetime.fromisoformat, _wall_clock_text
    return None, None


def _instants(value: Mapping[str, str]) -> dict[str, datetime]:
    return {key: datetime.fromisoformat(text) for key, text in value.items()}


def _instant_texts(value: Mapping[str, datetime]) -> dict[str, str]:
    return {key: when.astimezone(UTC).isoformat() for key, when in value.items()}


def _enum_value(value: Enum) -> Any:
    return value.value


def _or_none(convert: Convert | None, nullable: bool) -> Convert | None:
    if convert is None or not nullable:
        return convert
    return lambda value: None if value is None else convert(value)


class RowMap(Generic[T]):
    """How the dataclass ``cls`` is stored in ``table`` (see the module's docstring)."""

    def __init__(self, cls: type[T], table: Table) -> None:
        self.cls = cls
        self.table = table
        hints = get_type_hints(cls)
        names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
        stored = [name for name in names if name in table.c]
        self.fields: tuple[str, ...] = tuple(stored)
        """The dataclass's fields that are columns, in the dataclass's order."""
        self.given: frozenset[str] = frozenset(names) - frozenset(stored)
        """The fields a load needs from the caller (not columns)."""
        loads: list[tuple[str, Convert | None]] = []
        dumps: list[tuple[str, Convert | None]] = []
        for name in stored:
            hint, nullable = _without_none(hints[name])
            load, dump = _converters(hint, table.c[name])
            loads.append((name, _or_none(load, nullable)))
            dumps.append((name, _or_none(dump, nullable)))
        self._loads = tuple(loads)
        self._dumps = tuple(dumps)

    def load(self, row: Mapping[Any, Any], prefix: str = "", **given: Any) -> T:
        """The value of a row (a result's ``.mappings()`` row; ``prefix``: its columns were
        selected as ``prefix + name``), with the fields that are not columns in ``given``."""
        values = {
            name: row[prefix + name] if load is None else load(row[prefix + name])
            for name, load in self._loads
        }
        return self.cls(**values, **given)

    def reader(self, columns: Sequence[tuple[str, Convert | None]]) -> Callable[[Sequence[Any]], T]:
        """A function from a driver's row to the value, for a statement whose result has
        ``columns`` (each column's key and the conversion its type makes of the driver's
        value): both conversions in one step and no mapping in between, for the statements
        every command makes on SQLite.  Generated once per statement, as :mod:`dataclasses`
        generates ``__init__``, from the field names and the positions of their columns."""
        if self.given:
            raise TypeError(f"{self.cls.__name__} needs {sorted(self.given)} from the caller")
        keys = [key for key, _ in columns]
        namespace: dict[str, Any] = {"cls": self.cls}
        arguments = []
        for name, load in self._loads:
            index = keys.index(name)
            value = f"row[{index}]"
            processor = columns[index][1]
            if processor is not None:
                namespace[f"p{index}"] = processor
                value = f"(None if {value} is None else p{index}({value}))"
            if load is not None:
                namespace[f"l{index}"] = load
                value = f"l{index}({value})"
            arguments.append(f"{name}={value}")
        source = f"def read(row):\n    return cls({', '.join(arguments)})\n"
        exec(source, namespace)  # noqa: S102 (names and numbers of our own, as above)
        read: Callable[[Sequence[Any]], T] = namespace["read"]
        return read

    def values(self, item: T, *, without: Collection[str] = ()) -> dict[str, Any]:
        """The columns' values for ``item`` (bound parameters named as the columns), but for
        the names in ``without`` (an id the database gives, a key bound under another name)."""
        return {
            name: getattr(item, name) if dump is None else dump(getattr(item, name))
            for name, dump in self._dumps
            if name not in without
        }


GROUP = RowMap(Group, groups)
MEMBER = RowMap(Member, members)
SESSION = RowMap(Session, sessions)
SERIES = RowMap(Series, series)
STICK = RowMap(Stick, sticks)
"""``spoken`` is given: it comes from the speaking log."""
TURN = RowMap(SpeakingTurn, speaking_turns)
PAUSE = RowMap(PauseRequest, pause_requests)
JOB = RowMap(Job, jobs)
THEME = RowMap(Theme, themes)
VOTE = RowMap(ThemeVote, theme_votes)
JOURNAL = RowMap(JournalEntry, journal_entries)
"""``text`` is given: the table holds it encrypted (``ciphertext``)."""
ATTENDANCE = RowMap(Attendance, attendance)
