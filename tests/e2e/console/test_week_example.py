"""``examples/week-of-a-group.txt`` through the real ``cercle console --script``: a weekly
session is scheduled, reminders arrive (room and direct message), the session opens by itself,
the break is offered at half time, the next occurrence is listed and the calendar is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.console.test_console_cli import ROOT, after, cercle

pytestmark = pytest.mark.e2e

WEEK = ROOT / "examples" / "week-of-a-group.txt"


def during(lines: list[str], directive: str) -> list[str]:
    """What an ``@advance`` line brought: up to the next directive or command."""
    start = lines.index(directive) + 1
    end = start
    while end < len(lines) and lines[end].startswith(("[", "--", " ")):
        end += 1
    return lines[start:end]


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    folder = tmp_path_factory.mktemp("week")
    result = cercle("console", "--script", WEEK, "--db", folder / "week.db", cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder, result.stdout.splitlines()


def test_reminders_arrive_in_the_room_and_privately_at_their_time(
    week: tuple[Path, list[str]],
) -> None:
    _, lines = week
    evening = during(lines, "@advance 2h  (18:00 → 20:00)")
    assert evening == [
        "-- 19:30 --",
        "[room] ⏰ Rappel : notre prochaine séance, « Cercle du mardi », commence dans 24 h "
        "(mardi 1er décembre 2026 à 19 h 30). Venez comme vous êtes.",
        "    ↳ présence oui 1 · présence peut-être 1 · présence non 1",
        "[private → bruno] ⏰ « console » se retrouve dans 24 h (mardi 1er décembre 2026 à "
        "19 h 30). Pour y aller : console. Prenez soin de vous d'ici là.",
    ]
    day = during(lines, "@advance 23h30m  (20:00 → 2026-12-01 19:30)")
    assert day[0] == "-- 19:15 --"
    assert "commence dans 15 min" in day[1]
    assert day[2] == "    ↳ présence oui 1 · présence peut-être 1 · présence non 1"
    assert day[3].startswith("[private → bruno] ⏰ « console » se retrouve dans 15 min")
    # The session opens by itself at its time, with the confidentiality reminder.
    assert day[4] == "-- 19:30 --"
    assert day[5] == "[room] 🌿 Cercle du mardi"
    assert day[6].startswith("[room] 🌿 La séance est ouverte, pour 1 h 30 (jusque vers 21 h)")
    assert day[7].startswith("[room] 🤝 Rappel de notre charte : La confidentialité")
    assert not any("chloé" in line for line in evening + day)  # chloé did not ask for messages


def test_half_time_break_offer_and_end_of_break(week: tuple[Path, list[str]]) -> None:
    _, lines = week
    half = during(lines, "@advance 45m  (19:30 → 20:15)")
    # Chloé's hand has been up for half an hour: one gentle, private check.
    assert half[:2] == [
        "-- 20:00 --",
        "[private → chloé] ✋ Votre main est levée depuis 30 min (vous êtes n° 1). Souhaitez-vous "
        "toujours prendre la parole ? Si oui, rien à faire, vous gardez votre place. Sinon, "
        "« baisser » la baisse, sans souci.",
    ]
    assert half[2:4] == [
        "-- 20:15 --",
        "[private → alice] Nous sommes à la moitié de la séance. C'est peut-être le moment "
        "d'une pause de 10 min : « séance pause ».",
    ]
    end = during(lines, "@advance 11m  (20:15 → 20:26)")
    assert end[:2] == ["-- 20:25 --", "[room] 🔔 La pause est terminée, nous reprenons."]


def test_next_occurrence_is_listed_and_the_calendar_written(week: tuple[Path, list[str]]) -> None:
    folder, lines = week
    listed = after(lines, "chloé: séances")
    assert listed[0] == "[private → chloé] 📅 Prochaines séances :"
    assert listed[1].strip() == (
        "• n° 2 · mardi 8 décembre 2026 à 19 h 30 · 1 h 30 · chaque semaine · « Cercle du mardi »"
    )
    calendar = folder / "console.ics"
    assert after(lines, "alice: séance calendrier")[-1] == f"    📎 {calendar}"
    ics = calendar.read_text(encoding="utf-8")
    assert "RRULE:FREQ=WEEKLY;INTERVAL=1" in ics
    assert "DTSTART;TZID=Europe/Paris:20261201T193000" in ics
