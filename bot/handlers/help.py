"""``help [command]``: exactly what the registry declares, in the group's language."""

from __future__ import annotations

from bot.commands.args import Args
from bot.commands.context import Context
from bot.commands.parser import Registry, usage
from bot.commands.spec import Command, Permission
from bot.i18n import translate
from bot.replies import Reply, private


def _line(path: tuple[Command, ...], language: str) -> str:
    command = path[-1]
    marker = translate("help.moderator_marker", language) if _moderator_only(path) else ""
    return f"• {usage(path, language)} — {translate(command.help_key, language)}{marker}"


def _moderator_only(path: tuple[Command, ...]) -> bool:
    return any(c.permission is Permission.MODERATOR for c in path)


def overview(registry: Registry, language: str) -> str:
    return "\n".join(_line(path, language) for path, _ in registry.walk())


async def help_(ctx: Context, args: Args) -> list[Reply]:
    from bot.commands.registry import REGISTRY

    wanted = args.text("command")
    if wanted is None:
        return [private(ctx.user_id, "help.overview", commands=overview(REGISTRY, ctx.language))]
    words = wanted.split()
    command = REGISTRY.find(words[0])
    if command is None:
        raise REGISTRY.unknown(words[0], ctx.language)
    path: tuple[Command, ...] = (command,)
    if command.subcommands and len(words) > 1:
        sub = REGISTRY.find(words[1], command.subcommands)
        if sub is not None:
            path = (command, sub)
    if path[-1].subcommands:
        lines = [_line((*path, sub), ctx.language) for sub in path[-1].subcommands]
    else:
        lines = [_line(path, ctx.language)]
    return [
        private(
            ctx.user_id,
            "help.command",
            command=usage(path[:1], ctx.language),
            description=translate(command.help_key, ctx.language),
            details="\n".join(lines),
        )
    ]
