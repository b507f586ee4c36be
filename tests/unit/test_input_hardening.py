"""Issue 10, defects 1, 7, 10 and 11: dates far ahead, numbers, time zones and the words of
``session schedule`` — each refused clearly or understood, never an internal error."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.config import Config, ConfigError
from bot.commands.args import parse_int
from bot.domain import SessionState
from tests.fakes import InMemoryStore
from tests.unit.harness import Harness

NO_ENV: dict[str, str] = {}


async def moderated(language: str = "en") -> tuple[Harness, InMemoryStore]:
    store = InMemoryStore()
    h = Harness(store=store, language=language)
    await h.ok("mod", "agree")
    return h, store


def sessions_of(store: InMemoryStore) -> list[tuple[str, SessionState, str | None]]:
    return [(s.planned_start.isoformat(), s.state, s.title) for s in store.tables.sessions.values()]


# Defect 1 — a series planned for next term; dates too far ahead


async def test_a_weekly_series_starting_next_term_is_planned_with_its_occurrences() -> None:
    h, store = await moderated()
    said = await h.ok("mod", "session schedule 2027-02-09 19:30 weekly")
    assert said.keys == ["schedule.series"]
    paris = ZoneInfo("Europe/Paris")
    starts = sorted(s.planned_start.astimezone(paris) for s in store.tables.sessions.values())
    assert len(starts) >= 10
    assert starts[0].date().isoformat() == "2027-02-09"
    assert {(s.hour, s.minute) for s in starts} == {(19, 30)}  # across the March change too
    assert all(b.date() - a.date() == timedelta(weeks=1) for a, b in pairwise(starts))
    listed = await h.ok("mod", "sessions")
    assert "9 February 2027" in listed.private("mod")[0]
    calendar = await h.ok("mod", "session calendar")
    assert calendar.outgoing[0].reply.attachment is not None


async def test_a_series_two_years_ahead_is_planned_and_further_is_refused_kindly() -> None:
    h, store = await moderated()
    await h.ok("mod", "session schedule 2028-11-28 19:30 monthly")
    assert store.tables.sessions
    before = sessions_of(store)
    said = await h.say("mod", "session schedule 2029-01-09 19:30 weekly")
    assert said.errors == ["error.date_too_far"]
    assert "two years" in said.private("mod")[0]
    assert sessions_of(store) == before


@pytest.mark.parametrize("date", ["9999-12-31", "3000-01-01", "2100-06-01"])
async def test_a_session_in_a_far_year_is_refused_and_the_calendar_still_works(date: str) -> None:
    h, store = await moderated()
    said = await h.say("mod", f"session schedule {date} 19:30")
    assert said.errors == ["error.date_too_far"]
    assert not store.tables.sessions
    await h.ok("mod", "session schedule 2026-12-08 19:30")
    calendar = await h.ok("mod", "session calendar")
    assert calendar.outgoing[0].reply.attachment is not None


# Defect 7 — only ASCII digits are numbers; out of range is "no such thing"


@pytest.mark.parametrize("word", ["²", "①", "١", "1_0", "+1", " 1 0", "1.0", "0x1", "٣"])
async def test_only_ascii_digits_name_a_theme(word: str) -> None:
    h, store = await moderated()
    for n in range(10):
        await h.ok("ann", f"theme propose Theme {n}")
    said = await h.say("ann", f"theme vote {word}")
    assert said.errors == ["error.bad_int"] or said.errors == ["error.too_many_arguments"]
    assert not store.tables.votes


@pytest.mark.parametrize("word", ["²", "①", "١", "1_0"])
async def test_only_ascii_digits_name_a_note(word: str) -> None:
    h, store = await moderated()
    await h.ok("ann", "journal add a note")
    said = await h.say("ann", f"journal delete {word}")
    assert said.errors == ["error.journal_which"]
    assert len(store.tables.journal) == 1


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("journal delete 99999999999999999999", "error.journal_not_found"),
        ("journal delete 2147483648", "error.journal_not_found"),
        ("theme vote 99999999999999999999", "error.theme_not_found"),
        ("theme unvote 99999999999999999999", "error.theme_not_found"),
        ("session cancel 99999999999999999999", "error.session_not_found"),
        ("theme pick 1 99999999999999999999", "error.session_not_found"),
    ],
)
async def test_a_number_out_of_range_is_no_such_thing(line: str, error: str) -> None:
    h, _ = await moderated()
    await h.ok("mod", "theme propose Something")
    await h.ok("mod", "journal add a note")
    said = await h.say("mod", line)
    assert said.errors == [error]
    assert "99999999999999999999" in said.private("mod")[0] or "2147483648" in " ".join(
        said.private("mod")
    ).replace("\u202f", "").replace(",", "").replace("\xa0", "")


@given(st.text(max_size=12))
def test_parse_int_reads_ascii_digits_only(text: str) -> None:
    value = parse_int(text)
    digits = text.strip().removeprefix("#")
    if value is None:
        assert not (digits.isascii() and digits.isdigit() and len(digits) <= 30)
    else:
        assert digits.isascii()
        assert digits.isdigit()
        assert value == int(digits)


# Defect 10 — only real IANA zone names


@pytest.mark.parametrize(
    "zone", ["Europe", "America", "localtime", "posixrules", "Factory", "x" * 300, "../etc"]
)
async def test_group_set_timezone_accepts_only_real_zones(zone: str) -> None:
    h, store = await moderated()
    said = await h.say("mod", f"group set timezone {zone}")
    assert said.errors
    assert "error.internal" not in said.keys
    group = next(iter(store.tables.groups.values()))
    assert group.timezone == "Europe/Paris"


@pytest.mark.parametrize(
    "zone", ["Europe", "localtime", "posixrules", "Factory", "x" * 300, "Europe/"]
)
def test_the_configuration_accepts_only_real_zones(zone: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Config.from_toml(f'[bot]\ntimezone = "{zone}"\n', environ=NO_ENV)
    assert caught.value.key == "bot.timezone"
    assert "IANA" in str(caught.value)
    assert len(str(caught.value)) < 300


def test_the_configuration_suggests_a_close_zone() -> None:
    with pytest.raises(ConfigError) as caught:
        Config.from_toml('[bot]\ntimezone = "Europe/Pariss"\n', environ=NO_ENV)
    assert "Europe/Paris" in str(caught.value)


async def test_a_real_zone_and_a_link_are_accepted() -> None:
    h, store = await moderated()
    await h.ok("mod", "group set timezone America/Montreal")
    await h.ok("mod", "group set timezone UTC")
    group = next(iter(store.tables.groups.values()))
    assert group.timezone == "UTC"


# Defect 11 — the words of ``session schedule``


@pytest.mark.parametrize(
    ("words", "language", "frequency", "title"),
    [
        ("chaque semaine Groupe deuil", "fr", "weekly", "Groupe deuil"),
        ("toutes les semaines Groupe deuil", "fr", "weekly", "Groupe deuil"),
        ("toutes les deux semaines Cercle", "fr", "biweekly", "Cercle"),
        ("une semaine sur deux Cercle", "fr", "biweekly", "Cercle"),
        ("chaque mois Cercle du mois", "fr", "monthly", "Cercle du mois"),
        ("tous les mois", "fr", "monthly", None),
        ("hebdo Cercle", "fr", "weekly", "Cercle"),
        ("every week Grief circle", "en", "weekly", "Grief circle"),
        ("every other week Grief circle", "en", "biweekly", "Grief circle"),
        ("every month Grief circle", "en", "monthly", "Grief circle"),
        ("weekly Grief circle", "en", "weekly", "Grief circle"),
        ("Every Week", "en", "weekly", None),
    ],
)
async def test_recurrence_words_as_people_write_them(
    words: str, language: str, frequency: str, title: str | None
) -> None:
    h, store = await moderated(language)
    said = await h.ok("mod", f"session schedule 2026-12-08 19:30 90m {words}")
    assert said.keys == ["schedule.series"]
    series = next(iter(store.tables.series.values()))
    assert series.title == title
    expected_rule = {"weekly": "INTERVAL=1", "biweekly": "INTERVAL=2", "monthly": "MONTHLY"}
    assert expected_rule[frequency] in series.rule
    room = said.room[0]
    shown = {
        ("fr", "weekly"): "chaque semaine",
        ("fr", "biweekly"): "toutes les deux semaines",
        ("fr", "monthly"): "chaque mois",
        ("en", "weekly"): "every week",
        ("en", "biweekly"): "every two weeks",
        ("en", "monthly"): "every month",
    }
    assert shown[language, frequency] in room
    if title:
        assert title in room


async def test_a_misspelt_recurrence_gets_did_you_mean_and_plans_nothing() -> None:
    h, store = await moderated()
    said = await h.say("mod", "session schedule 2026-12-08 19:30 90m wekly Grief circle")
    assert said.errors == ["error.did_you_mean_choice"]
    assert "weekly" in said.private("mod")[0]
    assert not store.tables.sessions
    assert not store.tables.series


async def test_a_misspelt_french_recurrence_suggests_the_french_word() -> None:
    h, store = await moderated("fr")
    said = await h.say("mod", "séance planifier 2026-12-08 19:30 hebdomadair Groupe deuil")
    assert said.errors == ["error.did_you_mean_choice"]
    assert "hebdomadaire" in said.private("mod")[0]
    assert not store.tables.sessions


@pytest.mark.parametrize("duration", ["-5m", "-90", "+5m", "5000m", "0m"])
async def test_an_invalid_duration_is_a_usage_error_not_a_title(duration: str) -> None:
    h, store = await moderated()
    said = await h.say("mod", f"session schedule 2026-12-08 19:30 {duration} Grief circle")
    assert said.errors
    assert said.errors[0] in {"error.bad_minutes", "error.minutes_out_of_range"}
    assert not store.tables.sessions


async def test_a_one_off_confirmation_shows_its_title() -> None:
    h, _ = await moderated("fr")
    said = await h.ok("mod", "séance planifier 2026-12-08 19:30 Groupe deuil")
    assert "« Groupe deuil »" in said.room[0]
