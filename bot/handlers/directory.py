"""Finding a group (``groups``) and finding help beyond the group (``resources``)."""

from __future__ import annotations

from bot.commands.args import Args
from bot.commands.context import Context
from bot.domain import Group
from bot.handlers.common import command_line
from bot.i18n import how_many_fit, translate
from bot.replies import Key, Lines, Param, Place, Reply, UserText, private

MAX_LISTED = 25

DEFAULT_RESOURCES: dict[str, tuple[str, ...]] = {
    "fr": (
        "3114 — numéro national de prévention du suicide, 24 h/24 et 7 j/7, gratuit",
        "SOS Amitié — 09 72 39 40 50, écoute 24 h/24",
        "Urgence vitale — 15 (SAMU) ou 112",
    ),
    "en": (
        "Emergency — 112 in Europe, 999 in the UK, 911 in North America",
        "Samaritans (UK & Ireland) — 116 123, 24/7",
        "988 Suicide & Crisis Lifeline (USA) — call or text 988",
        "France — 3114, national suicide-prevention line, 24/7",
    ),
}
"""Crisis lines per language, used where the configuration gives none."""


async def groups(ctx: Context, args: Args) -> list[Reply]:
    every = list(await ctx.uow.groups.listed(ctx.group.platform))
    listed = every[:MAX_LISTED]
    if not listed:
        setting = command_line(ctx.language, "group", "set")
        return [private(ctx.user_id, "directory.empty", command=f"{setting} directory on")]
    entries = [await _entry(ctx, group) for group in listed]
    shown = entries[: how_many_fit(entries, ctx.language, ctx.group.timezone)]
    join = translate(
        "directory.how_to_join",
        ctx.language,
        agree=command_line(ctx.language, "agree"),
        observer=command_line(ctx.language, "observer")
        + (" oui" if ctx.language == "fr" else " on"),
        hand=command_line(ctx.language, "hand"),
    )
    key = "directory.list" if len(shown) == len(every) else "directory.list_partial"
    return [private(ctx.user_id, key, entries=Lines(tuple(shown), gap=True), join=join)]


async def _entry(ctx: Context, group: Group) -> Key:
    coming = await ctx.uow.sessions.upcoming(group.id, ctx.now, 1)
    next_session: Param = coming[0].planned_start if coming else Key("directory.no_session")
    return Key(
        "directory.entry",
        {
            "name": UserText(group.name),
            "need": Key(f"need.{group.need.value}"),
            "lang": Key(f"language.{group.language}"),
            "next": next_session,
            "accompanying": Key(f"accompanying.{group.accompanying.value}"),
            "place": Place(group.platform, group.room_id),
        },
    )


async def resources(ctx: Context, args: Args) -> list[Reply]:
    lines = ctx.resources.get(ctx.language) or DEFAULT_RESOURCES.get(ctx.language, ())
    listed = "\n".join(f"• {line}" for line in lines)
    return [private(ctx.user_id, "resources.list", lines=UserText(listed, multiline=True))]
