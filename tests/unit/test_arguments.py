"""Arguments declared as a dataclass: the parser's spec is read from the field types."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Literal

import pytest

from bot.commands.arguments import (
    Arg,
    ArgType,
    MemberName,
    Minutes,
    NoArgs,
    Number,
    OneOf,
    Text,
    read,
)
from bot.commands.context import Context
from bot.commands.parser import Registry
from bot.commands.spec import Command
from bot.commands.when import Day, DayKind, read_day, read_time
from bot.errors import UsageError
from bot.replies import Reply


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


@dataclass(frozen=True, slots=True)
class Everything:
    date: Day
    time: dt.time
    which: str
    position: Annotated[int, Number(minimum=1, maximum=9)]
    duration: Annotated[int | None, Minutes(15, 240)]
    mode: Annotated[Colour | None, OneOf(aliases={"rouge": "red"})]
    state: Literal["on", "off"]
    key: Annotated[str, OneOf(choices=("a", "b"))]
    member: Annotated[str, MemberName()]
    title: Annotated[str | None, Text(max_length=50)]


def test_each_field_type_gives_its_kind() -> None:
    specs = {spec.name: spec for spec in read(Everything)}
    assert list(specs) == [
        "date",
        "time",
        "which",
        "position",
        "duration",
        "mode",
        "state",
        "key",
        "member",
        "title",
    ]
    assert specs["date"] == Arg("date", ArgType.DATE, max_length=40)
    assert specs["time"] == Arg("time", ArgType.TIME, max_length=20)
    assert specs["which"] == Arg("which", ArgType.WORD)
    assert specs["position"] == Arg("position", ArgType.INT, minimum=1, maximum=9)
    assert specs["duration"] == Arg(
        "duration", ArgType.MINUTES, required=False, minimum=15, maximum=240
    )
    assert specs["mode"] == Arg(
        "mode",
        ArgType.CHOICE,
        required=False,
        choices=("red", "blue"),
        aliases={"rouge": "red"},
        enum=Colour,
    )
    assert specs["state"] == Arg("state", ArgType.CHOICE, choices=("on", "off"))
    assert specs["key"] == Arg("key", ArgType.CHOICE, choices=("a", "b"))
    assert specs["member"] == Arg("member", ArgType.MEMBER)
    assert specs["title"] == Arg("title", ArgType.TEXT, required=False, max_length=50)
    assert read(NoArgs) == ()


async def _run(ctx: Context, args: Everything) -> list[Reply]:
    return []


def test_a_line_becomes_an_instance_of_the_class() -> None:
    registry = Registry([Command(name="try", help_key="help.help", handler=_run)])
    parsed = registry.parse("try 2026-12-01 19h30 w 3 1h30 rouge off b Ann Lee", "fr").args
    assert parsed == Everything(
        date=Day(DayKind.DATE, "2026-12-01", 1, 12, 2026),
        time=dt.time(19, 30),
        which="w",
        position=3,
        duration=90,
        mode=Colour.RED,
        state="off",
        key="b",
        member="Ann Lee",
        title=None,
    )
    assert type(parsed.mode) is Colour
    with pytest.raises(UsageError) as caught:
        registry.parse("try 2026-02-30 19:30 w 3", "en")
    assert caught.value.key == "error.impossible_date"


@dataclass(frozen=True, slots=True)
class Floaty:
    ratio: float


@dataclass(frozen=True, slots=True)
class WrongMarker:
    position: Annotated[int, Text()]


@dataclass(frozen=True, slots=True)
class UnlistedChoice:
    key: Annotated[str, OneOf()]


@dataclass(frozen=True, slots=True)
class StrayAlias:
    state: Annotated[Literal["on", "off"], OneOf(aliases={"oui": "yes"})]


@dataclass(frozen=True, slots=True)
class WideUnion:
    value: int | str


@dataclass(frozen=True, slots=True)
class PlainDate:
    """A ``dt.date`` cannot be read without the group's calendar: ``Day`` is."""

    day: dt.date


@pytest.mark.parametrize(
    "declared", [Floaty, WrongMarker, UnlistedChoice, StrayAlias, WideUnion, PlainDate]
)
def test_a_declaration_the_parser_cannot_fill_fails_at_import(declared: type[object]) -> None:
    with pytest.raises(TypeError):
        read(declared)


async def _untyped(ctx: Context, args: object) -> list[Reply]:
    return []


def test_a_handler_must_name_its_arguments_class() -> None:
    with pytest.raises(TypeError):
        Command(name="untyped", help_key="help.help", handler=_untyped)
    with pytest.raises(TypeError):
        Command(name="bad", help_key="help.help", handler=lambda ctx: None)  # type: ignore[arg-type,return-value]


@pytest.mark.parametrize(
    ("words", "taken"),
    [
        ("2026-12-01 19:30", 1),
        ("1/12/2026 x", 1),
        ("mardi prochain à 19 h 30", 2),
        ("the day after tomorrow 6pm", 4),
        ("le 8 décembre 2026 19h", 4),
        ("x", None),
    ],
)
def test_days_take_their_words(words: str, taken: int | None) -> None:
    found = read_day(words.split())
    assert (found[1] if found else None) == taken


@pytest.mark.parametrize(
    ("text", "at"),
    [
        ("19:30", (dt.time(19, 30), 1)),
        ("19h", (dt.time(19), 1)),
        ("7h05", (dt.time(7, 5), 1)),
        ("à 19 h 30 90", (dt.time(19, 30), 4)),
        ("7pm", (dt.time(19), 1)),
        ("7", None),
    ],
)
def test_times(text: str, at: tuple[dt.time, int] | None) -> None:
    assert read_time(text.split()) == at


def test_impossible_dates_and_times_raise() -> None:
    with pytest.raises(ValueError, match="day"):
        read_day(["2026-02-30"])
    with pytest.raises(ValueError, match="hour"):
        read_time(["25:00"])
