"""Turns a typed line into a command and typed arguments, or a :class:`UsageError` that says
what was expected (in the group's language, with a "did you mean" when a name is close)."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.commands.args import parse_int, parse_minutes
from bot.commands.arguments import Arg, ArgType, build
from bot.commands.spec import Command
from bot.commands.when import read_day, read_time
from bot.errors import NotFound, UsageError
from bot.i18n import translate
from bot.replies import UserText


def fold(word: str) -> str:
    """Case- and accent-insensitive form used to look names up (``Séance`` → ``seance``)."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True, slots=True)
class Invocation:
    path: tuple[Command, ...]
    """The command and, for groups such as ``stick``, the subcommand: the last one runs."""
    args: Any
    """An instance of the command's arguments class (``command.arguments``)."""

    @property
    def command(self) -> Command:
        return self.path[-1]

    @property
    def name(self) -> str:
        return " ".join(c.name for c in self.path)


class Registry:
    def __init__(self, commands: Sequence[Command]) -> None:
        self.commands = tuple(commands)
        self._index = _index(self.commands)

    def find(self, word: str, among: Iterable[Command] | None = None) -> Command | None:
        if among is None:
            return self._index.get(fold(word))
        return _index(tuple(among)).get(fold(word))

    def get(self, *names: str) -> Command:
        """Look a command up by its canonical path, e.g. ``get("stick", "next")``."""
        found: Command | None = None
        pool: Sequence[Command] = self.commands
        for name in names:
            found = next(c for c in pool if c.name == name)
            pool = found.subcommands
        if found is None:
            raise KeyError(names)
        return found

    def walk(self) -> Iterable[tuple[tuple[Command, ...], Command]]:
        """Every runnable command with its path (groups are expanded into their subcommands)."""
        for command in self.commands:
            if command.subcommands:
                for sub in command.subcommands:
                    yield (command, sub), sub
            else:
                yield (command,), command

    def parse(self, line: str, language: str) -> Invocation:
        tokens = line.split()
        if not tokens:
            raise UsageError("error.empty_command")
        command = self.find(tokens[0])
        if command is None:
            raise self.unknown(tokens[0], language, tokens[1:3])
        path: tuple[Command, ...] = (command,)
        rest = _rest_after(line, 1)
        if command.subcommands:
            if len(tokens) < 2:
                raise UsageError(
                    "error.missing_subcommand",
                    {"usage": usage(path, language), "choices": _names(command, language)},
                )
            sub = self.find(tokens[1], command.subcommands)
            if sub is None:
                raise UsageError(
                    "error.unknown_subcommand",
                    {
                        "command": command.display_name(language),
                        "word": tokens[1],
                        "choices": _names(command, language),
                    },
                )
            path = (command, sub)
            rest = _rest_after(line, 2)
        return Invocation(path, _parse_args(self, path, rest, language))

    def unknown(self, word: str, language: str, following: Sequence[str] = ()) -> UsageError:
        """The refusal for an unknown command, with a "did you mean" when a name is close, or
        when a word that follows is a command (``raise hand`` → ``hand``)."""
        named = (self.find(w) for w in following)
        suggestions = tuple(
            dict.fromkeys(c.display_name(language) for c in named if c is not None)
        ) or self.suggest(word, language)
        if suggestions:
            return UsageError(
                "error.unknown_command", {"command": word[:50], "suggestions": suggestions}
            )
        return UsageError("error.unknown_command_no_suggestion", {"command": word[:50]})

    def suggest(self, word: str, language: str) -> tuple[str, ...]:
        names: dict[str, str] = {}
        for command in self.commands:
            shown = command.display_name(language)
            for name in command.every_name():
                names.setdefault(fold(name), shown)
        close = difflib.get_close_matches(fold(word), list(names), n=3, cutoff=0.6)
        return tuple(dict.fromkeys(names[c] for c in close))


def _index(commands: Sequence[Command]) -> dict[str, Command]:
    index: dict[str, Command] = {}
    for command in commands:
        for name in command.every_name():
            index.setdefault(fold(name), command)
    return index


def _names(group: Command, language: str) -> tuple[str, ...]:
    return tuple(sub.display_name(language) for sub in group.subcommands)


def _rest_after(line: str, words: int) -> str:
    parts = line.strip().split(None, words)
    return parts[words] if len(parts) > words else ""


def usage(path: Sequence[Command], language: str) -> str:
    """``stick move <member> <position>`` in the given language."""
    words = [c.display_name(language) for c in path]
    command = path[-1]
    for arg in command.args:
        shown = translate(f"arg.{arg.name}", language)
        if arg.type is ArgType.CHOICE and len(arg.choices) <= 3:
            shown = "|".join(shown_choices(arg, language))
        words.append(f"<{shown}>" if arg.required else f"[{shown}]")
    if command.subcommands:
        words.append("|".join(_names(command, language)))
    return " ".join(words)


def shown_choices(arg: Arg, language: str) -> tuple[str, ...]:
    """A choice argument's words as a reader of ``language`` types them: the canonical (English)
    words in English, otherwise each choice's first alias (declarations list French ones first)."""
    if language == "en":
        return arg.choices
    first: dict[str, str] = {}
    for alias, choice in arg.aliases.items():
        first.setdefault(choice, alias)
    return tuple(first.get(choice, choice) for choice in arg.choices)


def _parse_args(registry: Registry, path: tuple[Command, ...], rest: str, language: str) -> Any:
    command = path[-1]
    specs = command.args
    tokens = rest.split()
    values: dict[str, object] = {}
    index = 0
    for position, spec in enumerate(specs):
        if index >= len(tokens):
            if spec.required:
                raise UsageError(
                    "error.missing_argument",
                    {
                        "argument": translate(f"arg.{spec.name}", language),
                        "usage": usage(path, language),
                    },
                )
            continue
        if spec.type in (ArgType.TEXT, ArgType.MEMBER):
            keep = sum(1 for later in specs[position + 1 :] if later.required)
            take = max(1, len(tokens) - index - keep)
            if spec.type is ArgType.TEXT and position == len(specs) - 1:
                raw = _rest_after(rest, index)
            else:
                raw = " ".join(tokens[index : index + take])
            index += take
        elif spec.type is ArgType.CHOICE and (found := _choice_at(spec, tokens, index)):
            values[spec.name], taken = found
            index += taken
            continue
        elif spec.type in (ArgType.DATE, ArgType.TIME):
            read = _when_at(spec, tokens, index)
            if read is not None:
                values[spec.name], taken = read
                index += taken
            continue
        else:
            raw = tokens[index]
            if not spec.required and position < len(specs) - 1 and not _fits(spec, raw):
                _refuse_near_miss(spec, raw, path, language)
                continue  # an optional argument left out: the word is for the next ones
            index += 1
        values[spec.name] = _convert(registry, spec, raw, path, language)
    if index < len(tokens):
        raise UsageError(
            "error.too_many_arguments",
            {"extra": " ".join(tokens[index:]), "usage": usage(path, language)},
        )
    return build(command.arguments, specs, values)


def _choice_at(spec: Arg, tokens: Sequence[str], index: int) -> tuple[str, int] | None:
    """The choice written at ``tokens[index]``, in one word or several (``every other week``,
    ``toutes les deux semaines``), the longest first; with how many words it took."""
    names = {fold(name): choice for name, choice in spec.aliases.items()}
    names.update({fold(choice): choice for choice in spec.choices})
    for length in range(min(_LONGEST_CHOICE, len(tokens) - index), 0, -1):
        found = names.get(fold(" ".join(tokens[index : index + length])))
        if found is not None:
            return found, length
    return None


_LONGEST_CHOICE = 5
"""Words in the longest choice alias (``toutes les deux semaines``)."""
_LOOKS_NUMERIC = re.compile(r"^[-+\u2212]?[0-9]", re.ASCII)


def _refuse_near_miss(spec: Arg, raw: str, path: tuple[Command, ...], language: str) -> None:
    """An optional argument is being left out because ``raw`` does not fit it: refuse when
    ``raw`` was clearly meant for it (``wekly``, ``-5m``) rather than let it slip into the next,
    free-text argument (a title) unnoticed."""
    common = {
        "argument": translate(f"arg.{spec.name}", language),
        "value": raw[:50],
        "usage": usage(path, language),
    }
    if spec.type is ArgType.MINUTES and _LOOKS_NUMERIC.match(raw):
        raise UsageError("error.bad_minutes", common)
    if spec.type is ArgType.CHOICE and len(raw) >= _NEAR_MISS_LENGTH:
        names = {fold(name): name for name in (*spec.choices, *spec.aliases) if " " not in name}
        close = difflib.get_close_matches(fold(raw), list(names), n=1, cutoff=0.75)
        if close:
            raise UsageError("error.did_you_mean_choice", {**common, "suggestion": names[close[0]]})


_NEAR_MISS_LENGTH = 4
"""Shorter words are too often real words of a title to be taken for a typo."""


def _convert(
    registry: Registry, spec: Arg, raw: str, path: tuple[Command, ...], language: str
) -> object:
    name = translate(f"arg.{spec.name}", language)
    common = {"argument": name, "value": raw[:50], "usage": usage(path, language)}
    if spec.type in (ArgType.TEXT, ArgType.MEMBER, ArgType.WORD):
        if len(raw) > spec.max_length:
            raise UsageError("error.text_too_long", {**common, "max": spec.max_length})
        return raw
    if spec.type is ArgType.CHOICE:
        folded = fold(raw)
        for choice in spec.choices:
            if fold(choice) == folded:
                return choice
        for alias, choice in spec.aliases.items():
            if fold(alias) == folded:
                return choice
        raise UsageError("error.bad_choice", {**common, "choices": shown_choices(spec, language)})
    number = parse_minutes(raw) if spec.type is ArgType.MINUTES else parse_int(raw)
    if number is None:
        key = "error.bad_minutes" if spec.type is ArgType.MINUTES else "error.bad_int"
        raise UsageError(key, common)
    low = spec.minimum if spec.minimum is not None else number
    high = spec.maximum if spec.maximum is not None else number
    if spec.unknown is not None and not low <= number <= high:
        shown = " ".join(
            registry.get(*spec.listing[: depth + 1]).display_name(language)
            for depth in range(len(spec.listing))
        )
        raise NotFound(spec.unknown, {"id": raw[:30], "number": raw[:30], "command": shown})
    if not low <= number <= high:
        key = (
            "error.minutes_out_of_range"
            if spec.type is ArgType.MINUTES
            else "error.int_out_of_range"
        )
        raise UsageError(key, {**common, "min": low, "max": high})
    return number


def _when_at(spec: Arg, tokens: Sequence[str], index: int) -> tuple[object, int] | None:
    """The day or time of day written from ``tokens[index]``, in as many words as it takes
    (``mardi prochain``, ``19 h 30``), and how many it took; None for an optional one left
    out."""
    read = read_day if spec.type is ArgType.DATE else read_time
    try:
        found = read(tokens[index:])
    except ValueError as error:  # the right shape, but no such day or time of day
        shown = " ".join(tokens[index : index + 3])
        raise UsageError("error.impossible_date", {"value": UserText(shown[:40])}) from error
    if found is None and spec.required:
        shape = "error.bad_date" if spec.type is ArgType.DATE else "error.bad_time"
        raise UsageError(shape, {"value": UserText(tokens[index][:30])})
    return found


def _fits(spec: Arg, raw: str) -> bool:
    """Whether ``raw`` has the shape of this argument (its range is checked later)."""
    if spec.type is ArgType.MINUTES:
        return parse_minutes(raw) is not None
    if spec.type is ArgType.INT:
        return parse_int(raw) is not None
    if spec.type is ArgType.CHOICE:
        folded = fold(raw)
        return any(fold(c) == folded for c in (*spec.choices, *spec.aliases))
    return True


def command_line(registry: Registry, language: str, *names: str) -> str:
    """How a command is typed in ``language``, e.g. ``("session", "break")`` → ``séance pause``."""
    return " ".join(
        registry.get(*names[: depth + 1]).display_name(language) for depth in range(len(names))
    )
