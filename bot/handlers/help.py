"""``help``: what a member needs first, grouped; ``help facilitation`` for the moderators'
commands; ``help settings`` for every group setting with its value; ``help <command>``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from bot.commands.arguments import Text
from bot.commands.context import Context
from bot.commands.parser import Registry, fold, usage
from bot.commands.spec import Command, Permission, effective_permission
from bot.i18n import translate
from bot.replies import Reply, UserText, private

MEMBER_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("help.section.taking_part", ("rules", "agree", "hand", "lower", "pass", "queue", "observer")),
    ("help.section.breaks", ("pause", "concern", "resources")),
    ("help.section.my_data", ("remind", "journal", "my-data", "forget-me")),
)
"""The commands a member needs, in the order ``help`` shows them (by canonical name)."""

FACILITATION_WORDS = frozenset({"facilitation", "animation", "moderation", "moderators"})
SETTINGS_WORDS = frozenset({"settings", "reglages", "reglage", "parametres", "setting"})


def _line(path: tuple[Command, ...], language: str, *, mark: bool = True) -> str:
    command = path[-1]
    shown = mark and _moderator_only(path)
    marker = translate("help.moderator_marker", language) if shown else ""
    return f"• {usage(path, language)} — {translate(command.help_key, language)}{marker}"


def _moderator_only(path: tuple[Command, ...]) -> bool:
    return effective_permission(path) is Permission.MODERATOR


def overview(registry: Registry, language: str) -> str:
    """Every runnable command, one line each (the reference the console and tests list)."""
    return "\n".join(_line(path, language) for path, _ in registry.walk())


def member_overview(registry: Registry, language: str) -> str:
    """The member's commands, grouped, then the other ones anyone may use, by name."""
    shown: set[str] = set()
    parts: list[str] = []
    for title, names in MEMBER_SECTIONS:
        lines = [_line((registry.get(name),), language) for name in names]
        shown.update(names)
        parts.append(translate(title, language) + "\n" + "\n".join(lines))
    others = tuple(
        c.display_name(language)
        for c in registry.commands
        if c.name not in shown
        and c.name != "help"
        and effective_permission((c,)) is Permission.EVERYONE
    )
    parts.append(translate("help.others", language, commands=others))
    return "\n\n".join(parts)


def facilitation(registry: Registry, language: str) -> str:
    """Every command that only the moderators can run."""
    return "\n".join(
        _line(path, language, mark=False) for path, _ in registry.walk() if _moderator_only(path)
    )


def settings_help(ctx: Context) -> str:
    from bot.handlers.group import SETTINGS

    language = ctx.language
    lines = []
    for setting in SETTINGS:
        name = setting.french if language == "fr" else setting.key
        value = translate("help.setting_value", language, value=setting.show(ctx.group, language))
        allowed = translate(f"setting.values.{setting.key}", language)
        lines.append(f"• {name} — {value} — {allowed}")
    return "\n".join(lines)


def _settings_reply(ctx: Context) -> Reply:
    group, set_ = ctx.registry.get("group"), ctx.registry.get("group", "set")
    command = f"{group.display_name(ctx.language)} {set_.display_name(ctx.language)}"
    values = UserText(settings_help(ctx))
    return private(ctx.user_id, "help.settings", settings=values, command=command)


@dataclass(frozen=True, slots=True)
class Help:
    command: Annotated[str | None, Text(max_length=100)]
    """A command, ``facilitation`` or ``settings``; the member's overview when left out."""


async def help_(ctx: Context, args: Help) -> list[Reply]:
    registry = ctx.registry
    wanted = args.command
    language = ctx.language
    if wanted is None:
        return [private(ctx.user_id, "help.overview", commands=member_overview(registry, language))]
    words = wanted.split()
    topic = fold(words[0])
    if topic in FACILITATION_WORDS:
        listed = facilitation(registry, language)
        return [private(ctx.user_id, "help.facilitation", commands=listed)]
    if topic in SETTINGS_WORDS:
        return [_settings_reply(ctx)]
    command = registry.find(words[0])
    if command is None:
        raise registry.unknown(words[0], language, words[1:3])
    path: tuple[Command, ...] = (command,)
    if command.subcommands and len(words) > 1:
        sub = registry.find(words[1], command.subcommands)
        if sub is not None:
            path = (command, sub)
    if path == (registry.get("group"), registry.get("group", "set")):
        return [_settings_reply(ctx)]  # what to set is the question: every setting, its values
    if not path[-1].subcommands:
        return [private(ctx.user_id, "help.one", line=_line(path, language))]
    lines = [_line((*path, sub), language) for sub in path[-1].subcommands]
    return [
        private(
            ctx.user_id,
            "help.command",
            command=usage(path[:1], language),
            description=translate(command.help_key, language),
            details="\n".join(lines),
        )
    ]
