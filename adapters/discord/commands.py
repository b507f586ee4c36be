"""Slash commands built from the core's registry: one declaration, no hand-written duplicate.

Member commands sit at the top level (``/hand``), command groups become Discord groups
(``/stick move``), moderator-only groups carry ``default_member_permissions`` (Manage Channels;
server admins may widen it in the integration settings).  Argument types, bounds and choices come
from the registry, names and descriptions from its aliases and the core's catalogs, in English
(Discord's default) and French."""

from __future__ import annotations

import inspect
import keyword
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Protocol

import discord
from discord import app_commands

from adapters.discord.lines import OptionValue
from adapters.discord.translator import localized
from bot.commands.arguments import Arg, ArgType
from bot.commands.parser import Registry
from bot.commands.spec import Command, Permission, effective_permission
from bot.i18n import translate

log = logging.getLogger("cercle.discord")

Path = tuple[Command, ...]
Run = Callable[[discord.Interaction, Path, dict[str, OptionValue]], Awaitable[None]]
Complete = Callable[
    [discord.Interaction[Any], str], Coroutine[Any, Any, list[app_commands.Choice[str]]]
]
AppCommand = app_commands.Command[Any, ..., Any] | app_commands.Group

MODERATORS = discord.Permissions(manage_channels=True)
GUILD_INSTALL = app_commands.AppInstallationType(guild=True)
MAX_CHOICES = 25
MAX_DESCRIPTION = 100
MAX_STRING = 6000
_NAME = re.compile(r"[-_'\w]{1,32}")


class Completers(Protocol):
    async def members(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]: ...

    def values_of(self, choice_option: str) -> Complete:
        """Suggestions for an option whose meaning depends on a choice made before it
        (``group set timezone <value>``)."""
        ...

    def among(self, choices: list[app_commands.Choice[str]]) -> Complete:
        """Suggestions from a fixed list (a choice argument with more than 25 choices)."""
        ...


def build_commands(registry: Registry, run: Run, completers: Completers) -> list[AppCommand]:
    """The whole tree, ready for ``CommandTree.add_command``."""
    built: list[AppCommand] = []
    for command in registry.commands:
        if not _valid_name(command.name):
            log.warning("command %r cannot be a slash command name; left out", command.name)
            continue
        if command.subcommands:
            built.append(_group(command, run, completers))
        else:
            built.append(_command((command,), run, completers))
    return built


def _group(command: Command, run: Run, completers: Completers) -> app_commands.Group:
    # Discord sets permissions per top-level command only: a group where members may use some
    # subcommands stays visible to everyone, and the core refuses the rest.
    moderators_only = effective_permission((command,)) is Permission.MODERATOR
    group = app_commands.Group(
        name=_names(command),
        description=_descriptions(command.help_key),
        guild_only=True,
        allowed_contexts=app_commands.AppCommandContext(guild=True),
        allowed_installs=GUILD_INSTALL,
        default_permissions=MODERATORS if moderators_only else None,
    )
    for sub in command.subcommands[:25]:
        if _valid_name(sub.name):
            group.add_command(_command((command, sub), run, completers))
    return group


@dataclass(frozen=True, slots=True)
class _Option:
    arg: Arg
    python_name: str


def _command(path: Path, run: Run, completers: Completers) -> app_commands.Command[Any, ..., Any]:
    command = path[-1]
    options = [_Option(arg, _python_name(arg.name, i)) for i, arg in enumerate(command.args)]
    callback = _callback(path, options, run)
    descriptions: dict[str, Any] = {}
    renames: dict[str, Any] = {}
    choices: dict[str, list[app_commands.Choice[str]]] = {}
    completes: dict[str, Complete] = {}
    previous: Arg | None = None
    for option in options:
        arg, name = option.arg, option.python_name
        descriptions[name] = _option_descriptions(arg)
        renames[name] = localized(arg.name, fr=_valid_or_none(_catalog(f"arg.{arg.name}", "fr")))
        if arg.type is ArgType.CHOICE:
            listed = _choices(arg)
            if len(listed) <= MAX_CHOICES:
                choices[name] = listed
            else:
                completes[name] = completers.among(listed)
        elif arg.type is ArgType.MEMBER:
            completes[name] = completers.members
        elif (
            previous is not None
            and previous.type is ArgType.CHOICE
            and arg.type
            in (
                ArgType.TEXT,
                ArgType.WORD,
            )
        ):
            completes[name] = completers.values_of(previous.name)
        previous = arg
    if descriptions:
        app_commands.describe(**descriptions)(callback)
        app_commands.rename(**renames)(callback)
    if choices:
        app_commands.choices(**choices)(callback)
    if completes:
        app_commands.autocomplete(**completes)(callback)
    top_level = len(path) == 1
    if top_level:
        app_commands.guild_only()(callback)
        if effective_permission(path) is Permission.MODERATOR:
            app_commands.default_permissions(manage_channels=True)(callback)
    return app_commands.Command(
        name=_names(command),
        description=_descriptions(command.help_key),
        callback=callback,
        allowed_installs=GUILD_INSTALL if top_level else None,
    )


def _callback(
    path: Path, options: list[_Option], run: Run
) -> Callable[..., Coroutine[Any, Any, None]]:
    by_python_name = {o.python_name: o.arg.name for o in options}

    async def callback(interaction: discord.Interaction, **values: OptionValue) -> None:
        await run(interaction, path, {by_python_name[k]: v for k, v in values.items()})

    # discord.py reads the options from the callback's signature: give it one per argument.
    parameters = [
        inspect.Parameter(
            "interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction
        )
    ]
    parameters += [
        inspect.Parameter(
            o.python_name,
            inspect.Parameter.KEYWORD_ONLY,
            default=inspect.Parameter.empty if o.arg.required else None,
            annotation=_annotation(o.arg),
        )
        for o in options
    ]
    callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    callback.__name__ = callback.__qualname__ = "slash_" + "_".join(c.name for c in path)
    return callback


def _annotation(arg: Arg) -> Any:
    if arg.type in (ArgType.INT, ArgType.MINUTES):
        if arg.minimum is None and arg.maximum is None:
            return int
        return app_commands.Range[int, arg.minimum, arg.maximum]
    if arg.type is ArgType.CHOICE:
        return str
    return app_commands.Range[str, 1, min(arg.max_length, MAX_STRING)]


def _choices(arg: Arg) -> list[app_commands.Choice[str]]:
    return [
        app_commands.Choice(
            name=localized(_choice_label(arg, c, "en"), fr=_choice_label(arg, c, "fr")), value=c
        )
        for c in arg.choices
    ]


def _choice_label(arg: Arg, value: str, language: str) -> str:
    """A translated label when the catalogs have one (``setting.timezone``, ``repeat.weekly``),
    otherwise the value itself."""
    for key in (f"{arg.name}.{value}", f"setting.{value}"):
        text = _catalog(key, language)
        if text:
            return _fit(text)
    return value


def _names(command: Command) -> app_commands.locale_str:
    french = command.display_name("fr")
    return localized(command.name, fr=french if french != command.name else None)


def _descriptions(help_key: str) -> app_commands.locale_str:
    english = _catalog(help_key, "en") or help_key
    return localized(_fit(english), fr=_fit(_catalog(help_key, "fr") or english))


def _option_descriptions(arg: Arg) -> app_commands.locale_str:
    return localized(_option_description(arg, "en"), fr=_option_description(arg, "fr"))


def _option_description(arg: Arg, language: str) -> str:
    label = _catalog(f"arg.{arg.name}", language) or arg.name
    if arg.minimum is not None and arg.maximum is not None:
        unit = " min" if arg.type is ArgType.MINUTES else ""
        label = f"{label} ({arg.minimum}–{arg.maximum}{unit})"
    elif arg.type is ArgType.MINUTES:
        label = f"{label} (min)"
    return _fit(label)


def _catalog(key: str, language: str) -> str | None:
    try:
        return translate(key, language)
    except KeyError:
        return None


def _fit(text: str, limit: int = MAX_DESCRIPTION) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _valid_name(name: str) -> bool:
    return bool(_NAME.fullmatch(name)) and name == name.lower()


def _valid_or_none(name: str | None) -> str | None:
    return name if name is not None and _valid_name(name) else None


def _python_name(name: str, index: int) -> str:
    if name.isidentifier() and not keyword.iskeyword(name) and name != "interaction":
        return name
    return f"option_{index}"
