"""A command's arguments, declared once as a frozen dataclass next to its handler.

The handler names the class in its signature, ``async def move(ctx: Context, args: Move)``, and
reads ``args.position`` as an ``int``, checked by mypy.  Everything else is read from that class
when the command is declared: the parser's spec (:class:`Arg`: name, kind, optional, choices,
bounds), hence the usage lines of ``help`` and the README reference, and Discord's slash-command
options.

A field's Python type says most of it::

    @dataclass(frozen=True, slots=True)
    class Schedule:
        date: Day                                                # 2026-12-01, mardi prochain
        time: dt.time                                            # 19:30, 19 h 30, 7pm
        duration: Annotated[int | None, Minutes(15, 240)]        # optional: ``| None``
        repeat: Annotated[Frequency | None, OneOf(aliases=...)]  # a StrEnum or a Literal
        title: Annotated[str | None, Text(max_length=200)]       # the rest of the line

``str`` is one word, ``int`` a whole number, ``Day``/``dt.time`` a day/time of day, a
``Literal`` or a ``StrEnum`` a choice; an ``Annotated`` marker (:class:`Word`, :class:`Text`,
:class:`MemberName`, :class:`Number`, :class:`Minutes`, :class:`OneOf`) adds what the type cannot
say.  The field's name is the argument's canonical name, shown translated through ``arg.<name>``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

from bot.commands.when import Day


class ArgType(StrEnum):
    WORD = "word"
    """One word."""
    TEXT = "text"
    """The rest of the line, spaces included."""
    INT = "int"
    MINUTES = "minutes"
    """A length: ``90``, ``90m``, ``1h30``, ``2h``."""
    MEMBER = "member"
    """A member's name or id; may contain spaces when nothing follows but numbers."""
    CHOICE = "choice"
    DATE = "date"
    """A day as people write it, in one word or several (``2026-12-01``, ``mardi prochain``,
    ``le 8 décembre``, ``Dec 8``): a :class:`~bot.commands.when.Day`, resolved by the handler."""
    TIME = "time"
    """A time of day in one word or several: ``19:30``, ``19 h 30``, ``à 19h``, ``7:30 pm``."""


EnumClass = type[Enum]


@dataclass(frozen=True, slots=True)
class Arg:
    """One argument as the parser, ``help`` and the adapters see it (read from a field)."""

    name: str
    """Canonical (English) name; shown translated through the message key ``arg.<name>``."""
    type: ArgType
    required: bool = True
    choices: tuple[str, ...] = ()
    aliases: Mapping[str, str] = field(default_factory=dict)
    """Other words accepted for a choice (e.g. French), mapped to the canonical choice."""
    minimum: int | None = None
    maximum: int | None = None
    max_length: int = 2000
    unknown: str | None = None
    """For a number that names something (a theme, a session): the message key of "no such
    thing", given instead of a range error when the number is out of range — such a thing cannot
    exist, and the person only needs to know that."""
    listing: tuple[str, ...] = ()
    """The command that lists those things, shown in the ``unknown`` message (``theme list``)."""
    enum: EnumClass | None = None
    """For a choice typed as an enum: the class its canonical word becomes."""


# The markers: what a field's type cannot say.


@dataclass(frozen=True, slots=True)
class Word:
    """One word (the default for ``str``)."""

    max_length: int = 2000


@dataclass(frozen=True, slots=True)
class Text:
    """The rest of the line, spaces included (or, before other arguments, the words they leave)."""

    max_length: int = 2000


@dataclass(frozen=True, slots=True)
class MemberName:
    """A member's name or id, spaces included when nothing follows but numbers."""

    max_length: int = 2000


@dataclass(frozen=True, slots=True)
class Number:
    """A whole number within bounds; ``unknown`` when it names a thing (see :attr:`Arg.unknown`)."""

    minimum: int | None = None
    maximum: int | None = None
    unknown: str | None = None
    listing: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Minutes:
    """A length in minutes, written ``90``, ``1h30``, ``2 heures``…"""

    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True, slots=True)
class OneOf:
    """Other words for a choice's values; ``choices`` only for a plain ``str`` field whose
    values are computed (a ``Literal`` or an enum lists them itself)."""

    aliases: Mapping[str, str] = field(default_factory=dict)
    choices: tuple[str, ...] = ()


Marker = Word | Text | MemberName | Number | Minutes | OneOf
_MARKERS = (Word, Text, MemberName, Number, Minutes, OneOf)


@dataclass(frozen=True, slots=True)
class NoArgs:
    """The arguments of a command that takes none."""


def read(arguments: type[object]) -> tuple[Arg, ...]:
    """The spec of each field of an arguments class, in order; a ``TypeError`` at import time
    for a field whose type the parser cannot produce."""
    if not dataclasses.is_dataclass(arguments):
        raise TypeError(f"{arguments.__name__} must be a dataclass to declare arguments")
    hints = get_type_hints(arguments, include_extras=True)
    return tuple(_arg(f.name, hints[f.name], arguments) for f in dataclasses.fields(arguments))


def declared_by(handler: Callable[..., object]) -> type[object]:
    """The arguments class a handler names in its signature: ``(ctx, args: Move)``."""
    parameters = list(inspect.signature(handler).parameters)
    if len(parameters) != 2:
        raise TypeError(f"{handler.__qualname__} must take (ctx, args)")
    declared = get_type_hints(handler).get(parameters[1])
    if not isinstance(declared, type):
        raise TypeError(f"{handler.__qualname__}: annotate `args` with its arguments class")
    return declared


def build(arguments: type[object], specs: tuple[Arg, ...], values: Mapping[str, object]) -> Any:
    """An instance of ``arguments`` from parsed values (an optional one left out is None)."""
    given: dict[str, object] = {}
    for spec in specs:
        value = values.get(spec.name)
        if value is not None and spec.enum is not None:
            value = spec.enum(value)
        given[spec.name] = value
    return arguments(**given)


def _arg(name: str, hint: object, owner: type[object]) -> Arg:
    base, markers = _unwrap(hint)
    required = True
    if _is_union(base):
        members = [m for m in get_args(base) if m is not type(None)]
        if len(members) != len(get_args(base)) - 1 or len(members) != 1:
            raise TypeError(f"{owner.__name__}.{name}: only `X | None` unions are arguments")
        required = False
        base, more = _unwrap(members[0])
        markers += more
    if len(markers) > 1:
        raise TypeError(f"{owner.__name__}.{name}: one marker at most")
    marker = markers[0] if markers else None
    where = f"{owner.__name__}.{name}"
    return _from_type(name, required, base, marker, where)


def _unwrap(hint: object) -> tuple[object, tuple[Marker, ...]]:
    if get_origin(hint) is Annotated:
        base, *extras = get_args(hint)
        return base, tuple(e for e in extras if isinstance(e, _MARKERS))
    return hint, ()


def _is_union(hint: object) -> bool:
    return get_origin(hint) in (Union, types.UnionType)


def _from_type(name: str, required: bool, base: object, marker: Marker | None, where: str) -> Arg:
    choices = _choices_of(base)
    if choices is not None:
        if marker is not None and not isinstance(marker, OneOf):
            raise TypeError(f"{where}: a choice takes OneOf, not {type(marker).__name__}")
        if marker is not None and marker.choices:
            raise TypeError(f"{where}: the type lists the choices already")
        aliases = marker.aliases if marker is not None else {}
        _check_aliases(choices, aliases, where)
        enum = base if isinstance(base, type) else None  # a StrEnum (a Literal is no class)
        return Arg(name, ArgType.CHOICE, required, choices, aliases, enum=enum)
    if base is int:
        if isinstance(marker, Minutes):
            return Arg(
                name, ArgType.MINUTES, required, minimum=marker.minimum, maximum=marker.maximum
            )
        if isinstance(marker, Number):
            return Arg(
                name,
                ArgType.INT,
                required,
                minimum=marker.minimum,
                maximum=marker.maximum,
                unknown=marker.unknown,
                listing=marker.listing,
            )
        if marker is None:
            return Arg(name, ArgType.INT, required)
    elif base is str:
        if isinstance(marker, OneOf):
            if not marker.choices:
                raise TypeError(f"{where}: a str choice lists its choices in OneOf(choices=…)")
            _check_aliases(marker.choices, marker.aliases, where)
            return Arg(name, ArgType.CHOICE, required, marker.choices, marker.aliases)
        kinds = {Word: ArgType.WORD, Text: ArgType.TEXT, MemberName: ArgType.MEMBER}
        if marker is None:
            return Arg(name, ArgType.WORD, required)
        if isinstance(marker, Word | Text | MemberName):
            return Arg(name, kinds[type(marker)], required, max_length=marker.max_length)
    elif base is Day and marker is None:
        return Arg(name, ArgType.DATE, required, max_length=40)
    elif base is dt.date:
        raise TypeError(f"{where}: declare a date as `Day` (bot.commands.when), resolved with ctx")
    elif base is dt.time and marker is None:
        return Arg(name, ArgType.TIME, required, max_length=20)
    raise TypeError(f"{where}: the parser cannot give {base!r} with {marker!r}")


def _choices_of(base: object) -> tuple[str, ...] | None:
    if get_origin(base) is Literal:
        values = get_args(base)
        if not all(isinstance(v, str) for v in values):
            raise TypeError(f"choices are words: {base!r}")
        return tuple(str(v) for v in values)
    if isinstance(base, type) and issubclass(base, StrEnum):
        return tuple(member.value for member in base)
    return None


def _check_aliases(choices: tuple[str, ...], aliases: Mapping[str, str], where: str) -> None:
    strays = sorted(set(aliases.values()) - set(choices))
    if strays:
        raise TypeError(f"{where}: aliases for no choice: {', '.join(strays)}")
