"""The console's script language, line by line."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from adapters.console.script import (
    Advance,
    Moderator,
    Say,
    ScriptError,
    SetTime,
    parse_duration,
    parse_line,
    parse_script,
    strip_comment,
)


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("# a comment", ""),
        ("   # an indented comment", ""),
        ("bob: hand   # inline comment", "bob: hand"),
        ("bob: hand\t# after a tab", "bob: hand"),
        ("bob: theme propose deuil#2", "bob: theme propose deuil#2"),
        ("bob: hand #", "bob: hand"),
        ("@advance 15m # comment # more", "@advance 15m"),
        ("", ""),
    ],
)
def test_comments(line: str, kept: str) -> None:
    assert strip_comment(line) == kept


@pytest.mark.parametrize(
    ("text", "delta"),
    [
        ("90s", timedelta(seconds=90)),
        ("15m", timedelta(minutes=15)),
        ("2h", timedelta(hours=2)),
        ("1d", timedelta(days=1)),
        ("1h30m", timedelta(minutes=90)),
        ("1h 30m", timedelta(minutes=90)),
        ("0m", timedelta(0)),
        ("15M", timedelta(minutes=15)),
    ],
)
def test_advance_units(text: str, delta: timedelta) -> None:
    assert parse_duration(text) == delta
    step = parse_line(7, f"@advance {text}")
    assert step == Advance(7, delta, text)


@pytest.mark.parametrize("text", ["", "15", "15x", "m", "-5m", "1.5h", "15 minutes", "h1"])
def test_unreadable_durations(text: str) -> None:
    assert parse_duration(text) is None
    with pytest.raises(ScriptError, match="line 3: expected '@advance DURATION'"):
        parse_line(3, f"@advance {text}")


def test_commands_strip_the_optional_prefix_and_spaces() -> None:
    assert parse_line(1, "alice: session start 90m") == Say(1, "alice", "session start 90m")
    assert parse_line(2, "  chloé:   !main  ") == Say(2, "chloé", "main")
    assert parse_line(3, "bob: ! hand") == Say(3, "bob", "hand")
    assert parse_line(4, "bob: theme propose a: b") == Say(4, "bob", "theme propose a: b")


def test_directives() -> None:
    assert parse_line(1, "@moderator alice   # the facilitator") == Moderator(1, "alice")
    assert parse_line(2, "@time 2026-12-01 18:00") == SetTime(2, datetime(2026, 12, 1, 18, 0))
    assert parse_line(3, "@time  2026-12-01   09:05") == SetTime(3, datetime(2026, 12, 1, 9, 5))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("bob hand", "expected 'NAME: command'"),
        (": hand", "expected 'NAME: command'"),
        ("bob smith: hand", "expected 'NAME: command'"),
        ("bob:", "'bob' says nothing"),
        ("bob: !", "'bob' says nothing"),
        ("bob:   # nothing", "'bob' says nothing"),
        ("@moderator", "expected '@moderator NAME'"),
        ("@moderator alice bob", "expected '@moderator NAME' (one name)"),
        ("@time tomorrow", "expected '@time YYYY-MM-DD HH:MM'"),
        ("@time 2026-12-01", "expected '@time YYYY-MM-DD HH:MM'"),
        ("@time 2026-13-01 18:00", "expected '@time YYYY-MM-DD HH:MM'"),
        ("@advance", "expected '@advance DURATION'"),
        ("@advance 400d", "at most 366 days"),
        ("@sleep 5m", "unknown directive '@sleep'"),
    ],
)
def test_malformed_lines_say_which_line_and_what_was_expected(line: str, message: str) -> None:
    with pytest.raises(ScriptError) as caught:
        parse_line(12, line)
    assert caught.value.line_no == 12
    assert str(caught.value).startswith("line 12: ")
    assert message in str(caught.value)


def test_a_script_keeps_its_line_numbers_and_names_its_file() -> None:
    script = "# intro\n\n@moderator alice\nalice: session start # open\n@advance 1h\n"
    assert parse_script(script) == [
        Moderator(3, "alice"),
        Say(4, "alice", "session start"),
        Advance(5, timedelta(hours=1), "1h"),
    ]
    with pytest.raises(ScriptError) as caught:
        parse_script("@moderator alice\n\nalice session start\n", source="demo.txt")
    assert str(caught.value).startswith("demo.txt, line 3: expected 'NAME: command'")
