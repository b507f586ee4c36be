"""The console's script language, read whole before anything runs.

::

    # a comment
    @moderator alice            # alice is a moderator of the console group
    @time 2026-12-01 18:00      # set the virtual clock (group time zone); default: now
    @advance 15m                # move the clock (s, m, h, d; 1h30m); what falls due happens
    alice: session start 90m    # NAME: a command as typed on Matrix (the ! is optional)

A ``#`` starts a comment at the beginning of a line or after whitespace (``bob: theme #3``
keeps its ``#3``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

TIME_FORMAT = "%Y-%m-%d %H:%M"
_COMMENT = re.compile(r"(?:^|\s)#")
_PRIVATE = re.compile(r"(\S+)\s*\((?:private|privé|prive)\)", re.IGNORECASE)
_DURATION_PART = re.compile(r"(\d+)([smhd])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
MAX_ADVANCE = timedelta(days=366)


class ScriptError(Exception):
    """A line of the script that cannot be run; says which line and what was expected."""

    def __init__(self, line_no: int, message: str, source: str | None = None) -> None:
        super().__init__(line_no, message, source)
        self.line_no = line_no
        self.message = message
        self.source = source

    def __str__(self) -> str:
        where = f"{self.source}, line {self.line_no}" if self.source else f"line {self.line_no}"
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class Moderator:
    line_no: int
    name: str


@dataclass(frozen=True, slots=True)
class SetTime:
    line_no: int
    local: datetime
    """Naive: read in the group's time zone when it runs."""


@dataclass(frozen=True, slots=True)
class Advance:
    line_no: int
    delta: timedelta
    text: str


@dataclass(frozen=True, slots=True)
class Say:
    line_no: int
    name: str
    text: str
    """The command without its optional ``!``."""
    private: bool = False
    """``NAME (private): …``: typed to the bot in private, as in a direct message."""


Step = Moderator | SetTime | Advance | Say


MIN_YEAR, MAX_YEAR = 1970, 2200
"""What ``@time`` accepts: an instant every time zone and the reminders can work with."""


def strip_comment(line: str) -> str:
    match = _COMMENT.search(line)
    return (line[: match.start()] if match else line).strip()


def parse_duration(text: str) -> timedelta | None:
    """``15m``, ``90s``, ``2h``, ``1d``, ``1h30m`` → a timedelta; None if unreadable."""
    compact = text.replace(" ", "").lower()
    if not compact or _DURATION_PART.sub("", compact):
        return None
    delta = timedelta()
    try:
        for amount, unit in _DURATION_PART.findall(compact):
            delta += timedelta(**{_UNITS[unit]: int(amount)})
    except OverflowError:
        return timedelta.max  # far more than any script may move: refused as too long
    return delta


def parse_line(line_no: int, raw: str) -> Step | None:
    """One line → a step, or None for blank and comment lines."""
    line = strip_comment(raw)
    if not line:
        return None
    if line.startswith("@"):
        return _directive(line_no, line)
    name, colon, text = line.partition(":")
    name, text = name.strip(), text.strip()
    privately = _PRIVATE.fullmatch(name)
    if privately:
        name = privately[1]
    if not colon or not name or any(c.isspace() for c in name):
        raise ScriptError(
            line_no,
            f"expected 'NAME: command', 'NAME (private): command', '@moderator NAME', "
            f"'@time YYYY-MM-DD HH:MM' or '@advance 15m', got {line!r}",
        )
    text = text.removeprefix("!").strip()
    if not text:
        raise ScriptError(line_no, f"{name!r} says nothing: expected a command after '{name}:'")
    return Say(line_no, name, text, private=privately is not None)


def _directive(line_no: int, line: str) -> Step:
    word, _, rest = line.partition(" ")
    rest = rest.strip()
    if word == "@moderator":
        if not rest or any(c.isspace() for c in rest) or ":" in rest:
            raise ScriptError(line_no, f"expected '@moderator NAME' (one name), got {line!r}")
        return Moderator(line_no, rest)
    if word == "@time":
        try:
            local = datetime.strptime(" ".join(rest.split()), TIME_FORMAT)  # noqa: DTZ007
        except ValueError:
            raise ScriptError(
                line_no,
                f"expected '@time YYYY-MM-DD HH:MM', e.g. '@time 2026-12-01 18:00', got {line!r}",
            ) from None
        if not MIN_YEAR <= local.year <= MAX_YEAR:
            raise ScriptError(
                line_no, f"'@time' takes a year between {MIN_YEAR} and {MAX_YEAR}, got {rest!r}"
            )
        return SetTime(line_no, local)
    if word == "@advance":
        delta = parse_duration(rest)
        if delta is None:
            raise ScriptError(
                line_no,
                f"expected '@advance DURATION' with a unit, such as 90s, 15m, 2h, 1d or 1h30m, "
                f"got {line!r}",
            )
        if delta > MAX_ADVANCE:
            raise ScriptError(line_no, f"'@advance' moves at most 366 days, got {rest!r}")
        return Advance(line_no, delta, rest)
    raise ScriptError(
        line_no, f"unknown directive {word!r}: expected @moderator, @time or @advance"
    )


def parse_script(text: str, source: str | None = None) -> list[Step]:
    """Every step of a script, or a :class:`ScriptError` for its first bad line."""
    steps: list[Step] = []
    for line_no, raw in enumerate(text.splitlines(), start=1):
        try:
            step = parse_line(line_no, raw)
        except ScriptError as error:
            raise ScriptError(error.line_no, error.message, source) from None
        if step is not None:
            steps.append(step)
    return steps
