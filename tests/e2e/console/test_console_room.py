"""The console in-process: the script replay on the virtual clock, the transcript format, and the
interactive console's due-job runner (driven by a fake clock and events, never by sleeping)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import cast

import pytest

from adapters.console.interactive import Interactive
from adapters.console.room import ConsoleRoom, ScriptRunner
from adapters.console.script import ScriptError, parse_script
from adapters.console.transcript import format_outgoing
from bot.app import Cercle
from bot.clock import ManualClock
from bot.ports import UnitOfWorkFactory
from bot.replies import Audience, Choice, Outgoing, Reply, Tone
from tests.fakes import InMemoryStore

START = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)  # 18:00 in Paris


def memory_store() -> UnitOfWorkFactory:
    # InMemoryUnitOfWork's repositories are typed as their concrete classes, which mypy does
    # not accept for the protocol's (mutable, hence invariant) attributes.
    return cast("UnitOfWorkFactory", InMemoryStore())


def make_runner() -> tuple[ScriptRunner, list[str]]:
    clock = ManualClock(START)
    room = ConsoleRoom(Cercle(memory_store(), clock), run_id="test")
    lines: list[str] = []
    return ScriptRunner(room, clock, "Europe/Paris", lines.append, source="t.txt"), lines


async def replay(script: str) -> list[str]:
    runner, lines = make_runner()
    await runner.run(parse_script(script))
    return lines


def outgoing(reply: Reply) -> Outgoing:
    return Outgoing("console", "console", reply, "en", "UTC", "k")


def test_multi_line_text_is_indented_and_choices_become_a_hint() -> None:
    reply = Reply(
        "help.overview",
        {"commands": "• a\n• b"},
        Audience.PRIVATE,
        "bob",
        choices=(Choice("I agree", "agree"), Choice("Later", "rules")),
    )
    assert format_outgoing(outgoing(reply)) == [
        "[private → bob] Here is what you need to take part:",
        "",
        "                • a",
        "                • b",
        "",
        "                For the moderators: “help facilitation”. Every group setting: "
        "“help settings”. One command in detail: “help hand”.",
        "    ↳ agree · rules",
    ]


def test_the_panel_is_not_printed() -> None:
    panel = Reply("stick.panel_closed", tone=Tone.PANEL)
    assert format_outgoing(outgoing(panel)) == []


async def test_commands_are_echoed_and_moderators_come_from_the_script() -> None:
    lines = await replay(
        "@time 2026-12-01 18:00\n@moderator alice\nalice: !séance ouvrir\nbruno: séance clore\n"
    )
    assert lines[:3] == ["@time 2026-12-01 18:00", "@moderator alice", "alice: séance ouvrir"]
    assert any(line.startswith("[room] 🌿 La séance est ouverte") for line in lines)
    refusal = lines[lines.index("bruno: séance clore") + 1 :]
    assert "[private → bruno] Seule l'équipe d'animation peut utiliser « séance clore »." in refusal


async def test_advance_runs_due_jobs_in_order_at_their_own_time() -> None:
    lines = await replay(
        """
        @time 2026-12-01 18:00
        @moderator alice
        alice: séance ouvrir 60m      # half-time offer at 18:30
        @advance 10m
        alice: séance pause 5m        # cancels the half-time offer; ends at 18:15
        @advance 2h
        """
    )
    assert "@advance 2h  (18:10 → 20:10)" in lines
    marker = lines.index("-- 18:15 --")
    assert lines[marker + 1] == "[room] 🔔 La pause est terminée, nous reprenons."
    assert lines.count("-- 18:15 --") == 1
    assert not any("moitié" in line for line in lines), "the break cancelled the half-time offer"


async def test_a_later_time_moves_the_clock_forward_like_advance() -> None:
    lines = await replay(
        """
        @time 2026-12-01 18:00
        @moderator alice
        alice: séance ouvrir 30m
        @time 2026-12-02 09:00
        """
    )
    assert lines[-4:-2] == ["@time 2026-12-02 09:00", "-- 2026-12-01 18:15 --"]
    assert lines[-2].startswith("[private → alice] Nous sommes à la moitié de la séance.")
    assert lines[-1] == "    ↳ séance pause"


async def test_time_cannot_go_back_once_the_script_has_started() -> None:
    runner, _ = make_runner()
    steps = parse_script("@time 2026-12-01 18:00\nbob: aide\n@time 2026-12-01 17:00\n")
    with pytest.raises(ScriptError) as caught:
        await runner.run(steps)
    assert str(caught.value).startswith("t.txt, line 3: '@time' cannot move the clock back")


async def test_the_first_time_may_go_anywhere() -> None:
    runner, _ = make_runner()
    await runner.run(parse_script("@moderator alice\n@time 2020-01-01 09:00\n"))
    assert runner.clock.now() == datetime(2020, 1, 1, 8, 0, tzinfo=UTC)


async def test_interactive_console_commands() -> None:
    clock = ManualClock(START)
    room = ConsoleRoom(Cercle(memory_store(), clock), run_id="t")
    out = io.StringIO()
    console = Interactive(room, "en", out)
    assert console.user == "me"
    assert "me" in room.moderators
    assert console.console_command("/as bruno")
    assert console.user == "bruno"
    assert console.console_command("/moderator chloé")
    assert "chloé" in room.moderators
    assert console.console_command("/as")
    assert console.console_command("/dance")
    assert not console.console_command("/quit")
    assert out.getvalue().splitlines() == [
        "You are now speaking as 'bruno'.",
        "'chloé' is now a moderator.",
        "A name is missing: /as NAME",
        "Unknown console command '/dance'. Possible: /as, /moderator, /private, /quit.",
    ]
