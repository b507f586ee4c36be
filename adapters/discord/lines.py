"""An interaction becomes one command line, as a member would type it on Matrix."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.commands.spec import Command

OptionValue = str | int | float | bool | None


def command_line(path: Sequence[Command], values: Mapping[str, OptionValue]) -> str:
    """``stick move 123456789 2`` from the chosen command path and its option values.

    Canonical (English) names are understood whatever the group's language; members are given by
    their exact user id, which the core looks up first.  Options left out are skipped: the core
    recognises an optional argument by its shape."""
    words = [command.name for command in path]
    for arg in path[-1].args:
        value = values.get(arg.name)
        if value is None or isinstance(value, bool):
            continue
        text = str(value).strip()
        if text:
            words.append(text)
    return " ".join(words)
