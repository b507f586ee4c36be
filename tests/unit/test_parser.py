"""The command line parser: names and French aliases, typed arguments, clear usage errors."""

from __future__ import annotations

import pytest

from bot.commands.args import parse_minutes
from bot.errors import UsageError
from bot.handlers.group import Set
from bot.handlers.pause import Ask
from bot.handlers.session import Start
from bot.handlers.stick import Move
from bot.registry import REGISTRY


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("hand", "hand"),
        ("main", "hand"),
        ("HAND", "hand"),
        ("séance ouvrir", "session start"),
        ("seance ouvrir 90", "session start"),
        ("Séance Pause 5", "session break"),
        ("bâton suivant", "stick next"),
        ("baton suivant", "stick next"),
        ("stick next", "stick next"),
        ("groupe régler fuseau Europe/Paris", "group set"),
        ("aide", "help"),
        ("règles", "rules"),
        ("regles", "rules"),
    ],
)
def test_names_and_aliases(line: str, name: str) -> None:
    assert REGISTRY.parse(line, "fr").name == name


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("90", 90),
        ("90m", 90),
        ("90 min", 90),
        ("1h30", 90),
        ("1h", 60),
        ("2 heures", 120),
        ("1h30m", 90),
        ("45mn", 45),
    ],
)
def test_minutes(text: str, minutes: int) -> None:
    assert parse_minutes(text) == minutes


@pytest.mark.parametrize("text", ["", "abc", "1.5h", "-3", "h30", "90x"])
def test_unreadable_minutes(text: str) -> None:
    assert parse_minutes(text) is None


def test_typed_arguments() -> None:
    invocation = REGISTRY.parse("stick move Marie Claire 2", "en")
    assert invocation.args == Move(member="Marie Claire", position=2)
    assert REGISTRY.parse("session start 1h30", "en").args == Start(duration=90, round=None)
    assert REGISTRY.parse("séance ouvrir 1h30 tour", "fr").args == Start(duration=90, round="round")
    assert REGISTRY.parse("pause anonyme", "fr").args == Ask(mode="anon")
    assert REGISTRY.parse("group set charter  Be kind,  always. ", "en").args == Set(
        key="charter", value="Be kind,  always."
    )
    assert REGISTRY.parse("group set fuseau Europe/Paris", "fr").args.key == "timezone"


def _error(line: str, language: str = "en") -> UsageError:
    with pytest.raises(UsageError) as caught:
        REGISTRY.parse(line, language)
    return caught.value


def test_unknown_command_suggests_a_close_one() -> None:
    error = _error("hnad")
    assert error.key == "error.unknown_command"
    assert "hand" in error.params["suggestions"]  # type: ignore[operator]
    assert _error("xyzzy").key == "error.unknown_command_no_suggestion"
    french = _error("séanse ouvrir", "fr")
    assert "séance" in french.params["suggestions"]  # type: ignore[operator]


def test_usage_errors() -> None:
    assert _error("stick move bob").key == "error.missing_argument"
    assert _error("stick move bob two").key == "error.bad_int"
    assert _error("stick move bob 0").key == "error.int_out_of_range"
    assert _error("lower now please").key == "error.too_many_arguments"
    assert _error("session start 5").key == "error.minutes_out_of_range"
    assert _error("session start 5h").key == "error.minutes_out_of_range"
    assert _error("session start soon").key == "error.bad_choice"  # neither a length nor "round"
    assert _error("session start 9x").key == "error.bad_minutes"
    assert _error("observer maybe").key == "error.bad_choice"
    assert _error("stick").key == "error.missing_subcommand"
    assert _error("stick dance").key == "error.unknown_subcommand"
    assert _error("   ").key == "error.empty_command"
    assert _error("group set colour blue").key == "error.bad_choice"


def test_usage_is_in_the_group_language() -> None:
    error = _error("bâton déplacer bob", "fr")
    assert error.params["usage"] == "bâton déplacer <membre> <position>"
    error = _error("stick move bob", "en")
    assert error.params["usage"] == "stick move <member> <position>"


def test_every_command_has_a_handler_and_unique_names() -> None:
    seen: set[str] = set()
    for command in REGISTRY.commands:
        from bot.commands.parser import fold

        for name in command.every_name():
            assert fold(name) not in seen or fold(name) == fold(command.name), name
        seen.update(fold(n) for n in command.every_name())
    for _, command in REGISTRY.walk():
        assert command.handler is not None, command.name
