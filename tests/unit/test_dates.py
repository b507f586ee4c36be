"""Dates as people write them (``bot.commands.when``), through ``session schedule`` on a fake
clock: every phrase with the local date and time it means in the group's zone, or the refusal
it gets (past, impossible, ambiguous: asked, never guessed)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.commands.when import RECENTLY_PAST, read_day, read_time, resolve
from bot.errors import UsageError
from tests.unit.harness import Harness

PARIS = ZoneInfo("Europe/Paris")
MONTREAL = ZoneInfo("America/Montreal")
THURSDAY = datetime(2026, 12, 3, 10, 0, tzinfo=PARIS)
"""The fixed day of the tables: Thursday 3 December 2026, 10:00 in Paris."""

AMBIGUOUS = "error.date_ambiguous"
PAST = "error.date_in_past"
IMPOSSIBLE = "error.impossible_date"
MISMATCH = "error.weekday_mismatch"
BAD_DATE = "error.bad_date"
BAD_TIME = "error.bad_time"


def day(month: int, number: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, number, hour, minute)


FRENCH: list[tuple[str, datetime | str]] = [
    ("demain 19h30", day(12, 4, 19, 30)),
    ("mardi 19:30", day(12, 8, 19, 30)),
    ("mardi prochain à 19 h 30", day(12, 8, 19, 30)),
    ("le 8 décembre 19h30", day(12, 8, 19, 30)),
    ("8/12 19:30", day(12, 8, 19, 30)),
    ("2026-12-08 19:30", day(12, 8, 19, 30)),
    ("08/12/2026 19h30", day(12, 8, 19, 30)),
    ("8/12/26 19h", day(12, 8, 19)),
    ("aujourd'hui 18h", day(12, 3, 18)),
    ("aujourd’hui 18h", day(12, 3, 18)),
    ("ce soir 20h", day(12, 3, 20)),
    ("après-demain 20h", day(12, 5, 20)),
    ("apres demain à 20h", day(12, 5, 20)),
    ("Demain à 19 h", day(12, 4, 19)),
    ("demain 19 heures", day(12, 4, 19)),
    ("demain 19 h 05", day(12, 4, 19, 5)),
    ("demain midi", day(12, 4, 12)),
    ("demain à midi", day(12, 4, 12)),
    ("demain à 7h", day(12, 4, 7)),
    ("vendredi 18h30", day(12, 4, 18, 30)),
    ("ce vendredi 18h30", day(12, 4, 18, 30)),
    ("vendredi prochain 18h30", AMBIGUOUS),  # this Friday or the next: people mean both
    ("dimanche prochain 18h", AMBIGUOUS),
    ("lundi prochain 18h", day(12, 7, 18)),
    ("jeudi 19h", AMBIGUOUS),  # today (still to come) or in a week
    ("jeudi 9h", day(12, 10, 9)),  # today's 9:00 has passed: only next week's is left
    ("jeudi prochain 19h", day(12, 10, 19)),
    ("jeudi 10 décembre 19h", day(12, 10, 19)),
    ("mardi 10 décembre 19h", MISMATCH),
    ("le 1er janvier 18h", day(1, 1, 18, year=2027)),
    ("1er janvier 2027 18h", day(1, 1, 18, year=2027)),
    ("le 8 déc. 19h30", day(12, 8, 19, 30)),
    ("8 DÉCEMBRE 19H30", day(12, 8, 19, 30)),
    ("le 15 mai 19h", day(5, 15, 19, year=2027)),  # long past this year: next year's
    ("le 30 novembre 19h", PAST),  # just past: a typo, not a plan for next year
    ("mercredi 2 décembre 19h", PAST),
    ("aujourd'hui 9h", PAST),
    ("2020-01-01 19:30", PAST),
    ("31/02 19h", IMPOSSIBLE),
    ("30 février 19h", IMPOSSIBLE),
    ("31/04/2027 19h", IMPOSSIBLE),
    ("29/02 19h", day(2, 29, 19, year=2028)),  # the next 29 February
    ("le 8 à 19h", day(12, 8, 19)),
    ("le 2 à 19h", day(1, 2, 19, year=2027)),
    ("13/12 19h", day(12, 13, 19)),
    ("demain 25h", IMPOSSIBLE),
    ("demain 19h75", IMPOSSIBLE),
    ("hier 19h", BAD_DATE),
    ("dans deux jours 19h", BAD_DATE),
    ("demain soir", BAD_TIME),
    ("demain 19.30", BAD_TIME),
]

ENGLISH: list[tuple[str, datetime | str]] = [
    ("tomorrow 7:30pm", day(12, 4, 19, 30)),
    ("next tuesday 19:30", day(12, 8, 19, 30)),
    ("Dec 8 7pm", day(12, 8, 19)),
    ("2026-12-08 19:30", day(12, 8, 19, 30)),
    ("8/12 19:30", AMBIGUOUS),  # plain English: 8 December or 12 August?
    ("13/12 19:30", day(12, 13, 19, 30)),  # only one reading exists
    ("12/13 19:30", day(12, 13, 19, 30)),
    ("1/1 19:30", day(1, 1, 19, 30, year=2027)),  # both readings the same day
    ("today 6pm", day(12, 3, 18)),
    ("tonight 8pm", day(12, 3, 20)),
    ("tomorrow at 7pm", day(12, 4, 19)),
    ("tomorrow at noon", day(12, 4, 12)),
    ("tomorrow midnight", day(12, 4, 0)),
    ("tomorrow 12am", day(12, 4, 0)),
    ("tomorrow 12pm", day(12, 4, 12)),
    ("tomorrow 7 p.m.", day(12, 4, 19)),
    ("tomorrow 7.30pm", day(12, 4, 19, 30)),
    ("tomorrow 7:30", day(12, 4, 7, 30)),  # no am/pm: the 24-hour clock
    ("day after tomorrow 6pm", day(12, 5, 18)),
    ("the day after tomorrow at 6 pm", day(12, 5, 18)),
    ("friday 6:30pm", day(12, 4, 18, 30)),
    ("Friday 6:30 PM", day(12, 4, 18, 30)),
    ("fri 18:30", day(12, 4, 18, 30)),
    ("on friday at 6pm", day(12, 4, 18)),
    ("this friday 6pm", day(12, 4, 18)),
    ("next friday 18:30", AMBIGUOUS),
    ("next monday 6pm", day(12, 7, 18)),
    ("thursday 7pm", AMBIGUOUS),
    ("thursday 9am", day(12, 10, 9)),
    ("next thursday 7pm", day(12, 10, 19)),
    ("December 8 7:30pm", day(12, 8, 19, 30)),
    ("December 8th at 7:30pm", day(12, 8, 19, 30)),
    ("8 December 19:30", day(12, 8, 19, 30)),
    ("the 8th of December 7pm", day(12, 8, 19)),
    ("Dec 8, 2026 7pm", day(12, 8, 19)),
    ("Tuesday, December 8 7pm", day(12, 8, 19)),
    ("Wednesday December 8 7pm", MISMATCH),
    ("Jan 1 6pm", day(1, 1, 18, year=2027)),
    ("Nov 30 7pm", PAST),
    ("Feb 30 7pm", IMPOSSIBLE),
    ("the 8th at 7pm", day(12, 8, 19)),
    ("8th 7pm", day(12, 8, 19)),
    ("tomorrow 13pm", IMPOSSIBLE),
    ("tomorrow evening", BAD_TIME),
    ("someday 7pm", BAD_DATE),
    ("yesterday 7pm", BAD_DATE),
]


async def _schedule(h: Harness, phrase: str) -> datetime | str:
    command = "séance planifier" if h.language == "fr" else "session schedule"
    said = await h.say("mod", f"{command} {phrase}")
    if said.errors:
        [key] = said.errors
        return key
    [reply] = [o.reply for o in said.outgoing if o.reply.key == "schedule.once"]
    when = reply.params["when"]
    assert isinstance(when, datetime)
    return when


async def _group(language: str, now: datetime, zone: str = "Europe/Paris") -> Harness:
    h = Harness(language=language, timezone=zone)
    h.clock.set(now)
    await h.ok("mod", "agree")
    return h


def _local(result: datetime | str, zone: ZoneInfo) -> datetime | str:
    if isinstance(result, str):
        return result
    return result.astimezone(zone).replace(tzinfo=None)


@pytest.mark.parametrize(("phrase", "expected"), FRENCH)
async def test_french_phrases(phrase: str, expected: datetime | str) -> None:
    h = await _group("fr", THURSDAY)
    assert _local(await _schedule(h, phrase), PARIS) == expected


@pytest.mark.parametrize(("phrase", "expected"), ENGLISH)
async def test_english_phrases(phrase: str, expected: datetime | str) -> None:
    h = await _group("en", THURSDAY)
    assert _local(await _schedule(h, phrase), PARIS) == expected


def test_the_tables_are_long_enough() -> None:
    assert len(FRENCH) >= 40
    assert len(ENGLISH) >= 40


@pytest.mark.parametrize(
    ("language", "phrase", "expected"),
    [
        # Rule: day first everywhere but where the region writes the month first (CLDR).
        ("en-US", "12/8 19:30", day(12, 8, 19, 30)),
        ("en-US", "8/12 19:30", PAST),  # 12 August, just past
        ("en-GB", "8/12 19:30", day(12, 8, 19, 30)),
        ("en-GB", "12/8 19:30", PAST),
        ("en-AU", "8/12 19:30", day(12, 8, 19, 30)),
        ("en-CA", "8/12 19:30", AMBIGUOUS),  # Canada writes 2026-12-08: both are heard
        ("en", "8/12 19:30", AMBIGUOUS),
        ("fr-CA", "8/12 19h30", day(12, 8, 19, 30)),  # French is always day first
    ],
)
async def test_the_order_of_day_and_month_follows_the_region(
    language: str, phrase: str, expected: datetime | str
) -> None:
    h = await _group("en", THURSDAY)
    await h.ok("mod", f"group set language {language}")
    command = "séance planifier" if language.startswith("fr") else "session schedule"
    said = await h.say("mod", f"{command} {phrase}")
    if isinstance(expected, str):
        assert said.errors == [expected]
    else:
        [reply] = [o.reply for o in said.outgoing if o.reply.key == "schedule.once"]
        assert _local(reply.params["when"], PARIS) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("zone", "now", "phrase", "utc"),
    [
        # "tomorrow" is the group's tomorrow: at 04:30 UTC it is still 2 December in Montreal.
        ("Europe/Paris", datetime(2026, 12, 3, 4, 30, tzinfo=UTC), "demain 19h", (12, 4, 18)),
        ("America/Montreal", datetime(2026, 12, 3, 4, 30, tzinfo=UTC), "demain 19h", (12, 4, 0)),
        # Across the last Sunday of March (29 March 2026) and of October (25 October): the wall
        # time is kept, the UTC offset changes.
        ("Europe/Paris", datetime(2026, 3, 28, 11, 0, tzinfo=UTC), "demain 19h30", (3, 29, 17, 30)),
        ("Europe/Paris", datetime(2026, 3, 28, 11, 0, tzinfo=UTC), "lundi 19h30", (3, 30, 17, 30)),
        (
            "Europe/Paris",
            datetime(2026, 3, 28, 11, 0, tzinfo=UTC),
            "samedi prochain 19h30",
            (4, 4, 17, 30),
        ),
        (
            "Europe/Paris",
            datetime(2026, 10, 24, 10, 0, tzinfo=UTC),
            "demain 19h30",
            (10, 25, 18, 30),
        ),
        ("Europe/Paris", datetime(2026, 10, 24, 10, 0, tzinfo=UTC), "mardi 9h", (10, 27, 8)),
        # Montreal changes on the second Sunday of March and the first of November.
        (
            "America/Montreal",
            datetime(2026, 3, 7, 17, 0, tzinfo=UTC),
            "demain 19h30",
            (3, 8, 23, 30),
        ),
        (
            "America/Montreal",
            datetime(2026, 10, 31, 16, 0, tzinfo=UTC),
            "demain 19h30",
            (11, 2, 0, 30),
        ),
    ],
)
async def test_days_are_counted_on_the_groups_calendar_across_dst(
    zone: str, now: datetime, phrase: str, utc: tuple[int, ...]
) -> None:
    h = await _group("fr", now, zone)
    result = await _schedule(h, phrase)
    assert isinstance(result, datetime), result
    assert result.astimezone(UTC) == datetime(2026, *utc, tzinfo=UTC)


async def test_a_time_that_does_not_exist_that_night_is_refused() -> None:
    h = await _group("fr", datetime(2026, 3, 28, 11, 0, tzinfo=UTC))
    said = await h.say("mod", "séance planifier demain 2h30")
    assert said.errors == ["error.time_in_gap"]


async def test_every_result_is_echoed_in_full_and_every_question_names_both_days() -> None:
    h = await _group("fr", THURSDAY)
    said = await h.ok("mod", "séance planifier mardi prochain à 19 h 30 Cercle du mardi")
    assert "le mardi 8 décembre 2026 à 19 h 30" in said.room[0]
    said = await h.say("mod", "séance planifier vendredi prochain 18h30")
    [question] = said.private("mod") or said.room
    assert "vendredi 4 décembre 2026" in question and "vendredi 11 décembre 2026" in question
    h = await _group("en", THURSDAY)
    said = await h.say("mod", "session schedule 8/12 19:30")
    [question] = said.private("mod") or said.room
    assert "8 December 2026" in question and "12 August 2027" in question
    said = await h.say("mod", "session schedule Wednesday December 8 7pm")
    [refusal] = said.private("mod") or said.room
    assert "Tuesday 8 December 2026" in refusal


async def test_what_follows_the_time_is_still_read_as_duration_repeat_and_title() -> None:
    h = await _group("fr", THURSDAY)
    said = await h.ok("mod", "séance planifier mardi prochain à 19 h 30 90 hebdo Groupe du mardi")
    [reply] = [o.reply for o in said.outgoing if o.reply.key == "schedule.series"]
    assert _local(reply.params["when"], PARIS) == day(12, 8, 19, 30)  # type: ignore[arg-type]
    assert "1 h 30" in said.room[0] and "Groupe du mardi" in said.room[0]


WORDS = st.sampled_from(
    [
        "le",
        "the",
        "next",
        "prochain",
        "mardi",
        "tue",
        "demain",
        "day",
        "after",
        "tomorrow",
        "8",
        "31",
        "0",
        "99",
        "8th",
        "1er",
        "décembre",
        "feb",
        "of",
        "2026",
        "0000",
        "8/12",
        "31/02",
        "13/13",
        "2026-02-29",
        "à",
        "at",
        "19h30",
        "19",
        "h",
        "30",
        "7pm",
        "12am",
        "13pm",
        "pm",
        "p.m.",
        "midi",
        "19.30",
        "25:00",
        "heures",
        ",",
    ]
)


@settings(max_examples=400, deadline=None)
@given(
    words=st.lists(WORDS | st.text(max_size=6), max_size=7),
    hours=st.integers(0, 24 * 800),
    locale=st.sampled_from(["fr", "fr_CA", "en", "en_US", "en_GB", "en_CA"]),
)
def test_any_words_are_read_refused_or_left_never_crash(
    words: list[str], hours: int, locale: str
) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=hours)
    try:
        found = read_day(words)
    except ValueError:
        return
    if found is None:
        return
    day_read, taken = found
    assert 1 <= taken <= len(words)
    try:
        time_read = read_time(words[taken:])
    except ValueError:
        return
    at = time_read[0] if time_read else time(19, 30)
    refusal = None
    try:
        local = resolve(day_read, at, now, PARIS, locale)
    except UsageError as error:
        refusal = error.key
    if refusal is not None:
        assert refusal in {AMBIGUOUS, IMPOSSIBLE, MISMATCH}
        return
    assert local.time() == at
    assert local.date() >= now.astimezone(PARIS).date() - timedelta(days=RECENTLY_PAST.days)
    assert local.date() <= now.astimezone(PARIS).date() + timedelta(days=4 * 366)
