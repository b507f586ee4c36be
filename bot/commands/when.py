"""Dates and times of day as people write them, in French and English.

A small grammar of our own rather than a general date parser: it reads only what it is sure of
and says so when it is not (``dateparser`` reads ``31/02 19h`` as "the 2nd at 13:00" and
``après-demain 20h`` as 14:00; it also takes about a second and 30 MB to load).

The parser reads the words (:func:`read_day`, :func:`read_time`) without a clock: a day is kept
as written (:class:`Day`: "tomorrow", "next Tuesday", "8/12"), and :func:`resolve` turns it into
a local date and time once the handler knows the group's "now", time zone and locale.

The rules, each chosen so that nothing is guessed (every result is echoed back in full):

- ``demain``/``tomorrow``, ``après-demain``, ``aujourd'hui``/``ce soir``/``today``/``tonight``:
  days counted on the group's own calendar, so the wall time is kept across a DST change.
- A weekday alone (``mardi``, ``tuesday``) is the next such day; said on that very day, it is
  asked (today, or in a week?) unless today's time has already passed.
- ``mardi prochain``/``next tuesday``: the next such day when it falls in a later week;
  when it falls in the current week (``next friday`` said on a Tuesday) it is asked, as people
  mean either.  ``ce mardi``/``this tuesday``: the next such day, today included.
- A day and a month without a year (``le 8 décembre``, ``Dec 8``, ``8/12``): this year's if it is
  still to come, next year's if this year's is more than six months past; one that passed more
  recently is refused as past (a typo is likelier than a plan a year ahead).
- ``8/12``: day first in French; in English, the order of the group's region (``en-US`` month
  first, ``en-GB`` day first, read from the locale's short date pattern); with no region, asked
  when both readings are real and different days (``13/12`` and ``8/8`` are not ambiguous).
- ``le 8``/``the 8th``: the next 8th of a month, this month's included.
- A weekday with a date (``jeudi 10 décembre``) must agree, or it is refused.
- Times: ``19:30``, ``19h30``, ``19 h 30``, ``19h``, ``19 heures``, ``7pm``, ``7:30 pm``,
  ``midi``, ``noon``…, optionally after ``à``/``at``.  Without am/pm a time is read on the
  24-hour clock (``7:30`` is the morning; the echo shows it).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from zoneinfo import ZoneInfo

from babel.dates import get_date_format

from bot.errors import UsageError
from bot.replies import UserText

MONTHS = {
    **dict.fromkeys(("janvier", "janv", "january", "jan"), 1),
    **dict.fromkeys(("fevrier", "fevr", "fev", "february", "feb"), 2),
    **dict.fromkeys(("mars", "march", "mar"), 3),
    **dict.fromkeys(("avril", "avr", "april", "apr"), 4),
    **dict.fromkeys(("mai", "may"), 5),
    **dict.fromkeys(("juin", "june", "jun"), 6),
    **dict.fromkeys(("juillet", "juil", "july", "jul"), 7),
    **dict.fromkeys(("aout", "august", "aug"), 8),
    **dict.fromkeys(("septembre", "sept", "sep", "september"), 9),
    **dict.fromkeys(("octobre", "oct", "october"), 10),
    **dict.fromkeys(("novembre", "nov", "november"), 11),
    **dict.fromkeys(("decembre", "dec", "december"), 12),
}
WEEKDAYS = {
    **dict.fromkeys(("lundi", "monday", "mon"), 0),
    **dict.fromkeys(("mardi", "tuesday", "tue", "tues"), 1),
    **dict.fromkeys(("mercredi", "wednesday", "wed"), 2),
    **dict.fromkeys(("jeudi", "thursday", "thu", "thur", "thurs"), 3),
    **dict.fromkeys(("vendredi", "friday", "fri"), 4),
    **dict.fromkeys(("samedi", "saturday", "sat"), 5),
    **dict.fromkeys(("dimanche", "sunday", "sun"), 6),
}
RELATIVE = {
    ("aujourd'hui",): 0,
    ("aujourdhui",): 0,
    ("ce", "soir"): 0,
    ("ce", "matin"): 0,
    ("ce", "midi"): 0,
    ("today",): 0,
    ("tonight",): 0,
    ("this", "evening"): 0,
    ("demain",): 1,
    ("tomorrow",): 1,
    ("apres-demain",): 2,
    ("apres", "demain"): 2,
    ("day", "after", "tomorrow"): 2,
    ("the", "day", "after", "tomorrow"): 2,
}
_LONGEST_RELATIVE = max(len(words) for words in RELATIVE)
_NEXT_BEFORE = {"next"}
_NEXT_AFTER = {"prochain", "prochaine", "qui vient"}
_THIS = {"ce", "this", "coming"}
_ARTICLES = {"le", "the", "on", "du"}
_OF = {"of", "de"}
_AT = {"a", "at", "@", "vers"}
_NAMED_TIMES = {
    "midi": dt.time(12),
    "noon": dt.time(12),
    "minuit": dt.time(0),
    "midnight": dt.time(0),
}

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NUMERIC = re.compile(r"(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?")
_DAY_NUMBER = re.compile(r"(\d{1,2})(?:er|re|e|eme|st|nd|rd|th)?")
_ORDINAL = re.compile(r"(\d{1,2})(?:er|re|e|eme|st|nd|rd|th)")
_YEAR = re.compile(r"\d{4}")
_TIME = re.compile(
    r"(?P<h>\d{1,2})"
    r"(?:(?P<sep>[:h.])(?P<m>\d{2})?|(?P<word>heures?))?"
    r"(?P<mm>\d{2})?"
    r"(?P<ampm>[ap]\.?m\.?)?",
)
_JOIN_TIME = 4
"""Words a time may be written in (``19 h 30``, ``7:30 pm``)."""


class DayKind(StrEnum):
    DATE = "date"
    """A full date: ``2026-12-08``, ``8 décembre 2026``."""
    DAY_MONTH = "day_month"
    """A day and a month, no year: ``le 8 décembre``, ``Dec 8``."""
    NUMERIC = "numeric"
    """Two numbers whose order depends on the locale: ``8/12`` (``year`` may be set)."""
    RELATIVE = "relative"
    """``offset`` days from today."""
    WEEKDAY = "weekday"
    DAY_OF_MONTH = "day_of_month"
    """``le 8``: the next 8th."""


class Which(StrEnum):
    PLAIN = "plain"
    THIS = "this"
    NEXT = "next"


@dataclass(frozen=True, slots=True)
class Day:
    """A day as written, resolved later against the group's calendar (:func:`resolve`)."""

    kind: DayKind
    text: str
    """The words as typed, to quote them back."""
    day: int = 0
    month: int = 0
    year: int | None = None
    offset: int = 0
    weekday: int | None = None
    """Also set on a date that names its weekday (``jeudi 10 décembre``): checked."""
    which: Which = Which.PLAIN


def fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold().replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip(",;")


def _words(tokens: Sequence[str]) -> list[str]:
    return [fold(t).rstrip(".") if fold(t) not in {"a.m.", "p.m."} else fold(t) for t in tokens]


def read_day(tokens: Sequence[str]) -> tuple[Day, int] | None:
    """The day written at the start of ``tokens``, with how many words it took; None if they
    do not start with a day.  ``ValueError`` for a day that cannot exist (``31/02``)."""
    words = _words(tokens[:8])
    found = _read_day(words)
    if found is None:
        return None
    day, taken = found
    return _with_text(day, " ".join(tokens[:taken])), taken


def _with_text(day: Day, text: str) -> Day:
    return replace(day, text=text)


def _read_day(words: list[str]) -> tuple[Day, int] | None:
    if not words:
        return None
    for length in range(min(_LONGEST_RELATIVE, len(words)), 0, -1):
        offset = RELATIVE.get(tuple(words[:length]))
        if offset is not None:
            return Day(DayKind.RELATIVE, "", offset=offset), length
    at = 0
    which = Which.PLAIN
    if words[0] in _NEXT_BEFORE:
        which, at = Which.NEXT, 1
    elif words[0] in _THIS and len(words) > 1 and words[1] in WEEKDAYS:
        which, at = Which.THIS, 1
    elif words[0] in _ARTICLES:
        at = 1
    if at < len(words) and words[at] in WEEKDAYS:
        weekday = WEEKDAYS[words[at]]
        at += 1
        if which is Which.PLAIN and at < len(words):
            if words[at] in _NEXT_AFTER:
                return Day(DayKind.WEEKDAY, "", weekday=weekday, which=Which.NEXT), at + 1
            if at + 1 < len(words) and f"{words[at]} {words[at + 1]}" in _NEXT_AFTER:
                return Day(DayKind.WEEKDAY, "", weekday=weekday, which=Which.NEXT), at + 2
        if which is Which.PLAIN:
            dated = _read_date(words[at:])
            if dated is not None:
                date, taken = dated
                return _with_weekday(date, weekday), at + taken
        return Day(DayKind.WEEKDAY, "", weekday=weekday, which=which), at
    if which is not Which.PLAIN:
        return None
    dated = _read_date(words[at:])
    if dated is not None:
        return dated[0], at + dated[1]
    if at == 1 and len(words) > 1 and (match := _DAY_NUMBER.fullmatch(words[1])):
        return _day_of_month(int(match[1])), 2  # le 8, the 8th
    if match := _ORDINAL.fullmatch(words[0]):
        return _day_of_month(int(match[1])), 1  # 8th
    return None


def _with_weekday(day: Day, weekday: int) -> Day:
    return replace(day, weekday=weekday)


def _day_of_month(number: int) -> Day:
    if not 1 <= number <= 31:
        raise ValueError(number)
    return Day(DayKind.DAY_OF_MONTH, "", day=number)


def _read_date(words: list[str]) -> tuple[Day, int] | None:
    """``2026-12-08``, ``8/12[/2026]``, ``8 décembre [2026]``, ``8th of December``,
    ``December 8[th][,] [2026]``; a day alone (``jeudi 10``) as a day of the month."""
    if not words:
        return None
    if match := _ISO.fullmatch(words[0]):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
        dt.date(year, month, day)
        return Day(DayKind.DATE, "", day, month, year), 1
    if match := _NUMERIC.fullmatch(words[0]):
        first, second = int(match[1]), int(match[2])
        written = _full_year(match[3]) if match[3] else None
        if not _could_be(first, second, written) and not _could_be(second, first, written):
            raise ValueError(words[0])
        return Day(DayKind.NUMERIC, "", first, second, written), 1
    if words[0] in MONTHS and len(words) > 1 and (match := _DAY_NUMBER.fullmatch(words[1])):
        month, day, taken = MONTHS[words[0]], int(match[1]), 2
        return _day_month(day, month, words, taken)
    if match := _DAY_NUMBER.fullmatch(words[0]):
        taken = 1
        if len(words) > 2 and words[1] in _OF and words[2] in MONTHS:
            taken = 2
        if len(words) > taken and words[taken] in MONTHS:
            return _day_month(int(match[1]), MONTHS[words[taken]], words, taken + 1)
    return None


def _day_month(day: int, month: int, words: list[str], taken: int) -> tuple[Day, int]:
    if len(words) > taken and _YEAR.fullmatch(words[taken]):
        year = int(words[taken])
        dt.date(year, month, day)
        return Day(DayKind.DATE, "", day, month, year), taken + 1
    if not _could_be(day, month, None):
        raise ValueError(f"{day}/{month}")
    return Day(DayKind.DAY_MONTH, "", day, month), taken


def _full_year(text: str) -> int:
    return int(text) if len(text) == 4 else 2000 + int(text)


def _could_be(day: int, month: int, year: int | None) -> bool:
    if not 1 <= month <= 12 or day < 1:
        return False
    if year is None:
        return day <= (29 if month == 2 else calendar.monthrange(2001, month)[1])
    return day <= calendar.monthrange(year, month)[1]


def read_time(tokens: Sequence[str]) -> tuple[dt.time, int] | None:
    """The time of day written at the start of ``tokens`` and how many words it took; None if
    there is none.  ``ValueError`` for one that cannot be (``25:00``, ``19h75``)."""
    words = _words(tokens[: _JOIN_TIME + 1])
    at = 1 if words and words[0] in _AT else 0
    if at < len(words) and words[at] in _NAMED_TIMES:
        return _NAMED_TIMES[words[at]], at + 1
    longest = min(_JOIN_TIME, len(words) - at)
    for length in range(longest, 0, -1):
        joined = "".join(words[at : at + length])
        match = _TIME.fullmatch(joined)
        if match is None or not (match["sep"] or match["word"] or match["ampm"]):
            continue
        if (match["m"] and match["mm"]) or (match["sep"] == "." and not match["ampm"]):
            continue  # 19.30 is a number, not a time
        try:
            return _time_of(match), at + length
        except ValueError:
            if length == 1:
                raise
    return None


def _time_of(match: re.Match[str]) -> dt.time:
    hour, minute = int(match["h"]), int(match["m"] or match["mm"] or 0)
    meridiem = (match["ampm"] or "").replace(".", "")
    if meridiem:
        if not 1 <= hour <= 12:
            raise ValueError(match[0])
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    return dt.time(hour, minute)


# Resolving against the group's calendar.


RECENTLY_PAST = dt.timedelta(days=183)
"""A day and month without a year that passed less than this ago is refused as past."""


def resolve(day: Day, time: dt.time, now: dt.datetime, zone: ZoneInfo, locale: str) -> dt.datetime:
    """The local (naive) date and time ``day`` at ``time`` means in ``zone``, at the instant
    ``now``.  ``UsageError`` when it is ambiguous (both readings given), impossible or names
    the wrong weekday; the caller still places it in the zone (DST) and checks it is to come."""
    at = now.astimezone(zone).replace(second=0, microsecond=0, tzinfo=None)
    today = at.date()

    def local(date: dt.date) -> dt.datetime:
        return dt.datetime.combine(date, time)

    if day.kind is DayKind.RELATIVE:
        return local(today + dt.timedelta(days=day.offset))
    if day.kind is DayKind.WEEKDAY:
        assert day.weekday is not None
        first = today + dt.timedelta(days=(day.weekday - today.weekday()) % 7)
        later = first + dt.timedelta(days=7)
        if day.which is Which.THIS:
            return local(first)
        if day.which is Which.NEXT:
            if first == today:
                return local(later)
            if first.isocalendar()[:2] == today.isocalendar()[:2]:
                raise _ambiguous(day, local(first), local(later), zone)
            return local(first)
        if first == today:
            if local(first) <= at:
                return local(later)
            raise _ambiguous(day, local(first), local(later), zone)
        return local(first)
    if day.kind is DayKind.DAY_OF_MONTH:
        year, month = today.year, today.month
        while True:
            if day.day <= calendar.monthrange(year, month)[1]:
                candidate = dt.date(year, month, day.day)
                if candidate >= today:
                    return local(candidate)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if day.kind is DayKind.NUMERIC:
        readings = _numeric_readings(day, locale)
        if len(readings) == 2 and readings[0] != readings[1]:
            # Both shown at their next occurrence: a question, not a refusal.
            first, second = (_in_year(r, time, at, recent=False) for r in readings)
            raise _ambiguous(day, first, second, zone)
        return _checked(day, _in_year(readings[0], time, at), zone)
    return _checked(day, _in_year(day, time, at), zone)


def _numeric_readings(day: Day, locale: str) -> list[Day]:
    """The readings of ``8/12`` that the locale allows and the calendar has."""
    day_first = Day(DayKind.DAY_MONTH, day.text, day.day, day.month, day.year)
    month_first = Day(DayKind.DAY_MONTH, day.text, day.month, day.day, day.year)
    order = date_order(locale)
    if order == "dm":
        candidates = [day_first]
    elif order == "md":
        candidates = [month_first]
    else:
        candidates = [day_first, month_first]
    possible = [d for d in candidates if _could_be(d.day, d.month, d.year)]
    if not possible:
        raise UsageError("error.impossible_date", {"value": UserText(day.text[:40])})
    return possible


@cache
def date_order(locale: str) -> str:
    """How ``8/12`` is read: ``dm`` (day first), ``md`` (month first) or ``?`` (ask).

    French is always day first; English follows its region's short date pattern from the CLDR
    (``en_US``: M/d/yy, ``en_GB``: dd/MM/y); English without a region, or a region writing the
    year first (``en_CA``: y-MM-dd), asks."""
    locale = locale.replace("-", "_")
    language = locale.split("_", 1)[0]
    if language == "fr":
        return "dm"
    if locale == language:
        return "?"
    pattern = get_date_format("short", locale=locale).pattern
    letters = [c for c in pattern if c in "dMy"]
    if letters and letters[0] == "d":
        return "dm"
    if letters and letters[0] == "M":
        return "md"
    return "?"


def _in_year(day: Day, time: dt.time, at: dt.datetime, *, recent: bool = True) -> dt.datetime:
    """A day and month (and maybe a year) as a date: the year's when given; otherwise this
    year's, or next year's when this year's is long past (recently past: refused)."""
    if day.year is not None:
        return dt.datetime.combine(dt.date(day.year, day.month, day.day), time)
    year = at.year
    while True:
        if _could_be(day.day, day.month, year):
            candidate = dt.datetime.combine(dt.date(year, day.month, day.day), time)
            if candidate > at:
                return candidate
            if recent and year == at.year and at - candidate < RECENTLY_PAST:
                return candidate  # refused as past by the caller, naming the day
        year += 1


def _checked(day: Day, when: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    if day.weekday is not None and when.weekday() != day.weekday:
        raise UsageError(
            "error.weekday_mismatch",
            {"value": UserText(day.text[:40]), "when": when.replace(tzinfo=zone)},
        )
    return when


def _ambiguous(day: Day, first: dt.datetime, second: dt.datetime, zone: ZoneInfo) -> UsageError:
    return UsageError(
        "error.date_ambiguous",
        {
            "value": UserText(day.text[:40]),
            "first": first.replace(tzinfo=zone),
            "second": second.replace(tzinfo=zone),
        },
    )
