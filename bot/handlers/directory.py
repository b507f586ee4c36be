"""Finding a group (``groups``) and finding help beyond the group (``resources``)."""

from __future__ import annotations

from babel import Locale

from bot.commands.arguments import NoArgs
from bot.commands.context import Context
from bot.domain import Group
from bot.i18n import how_many_fit, translate
from bot.replies import Key, Lines, Param, Place, Reply, UserText, private
from bot.resources import country_of_zone, lines_for

MAX_LISTED = 25


async def groups(ctx: Context, args: NoArgs) -> list[Reply]:
    every = list(await ctx.uow.groups.listed(ctx.group.platform))
    listed = every[:MAX_LISTED]
    if not listed:
        setting = ctx.command_line("group", "set")
        listing = "annuaire oui" if ctx.language == "fr" else "directory on"
        return [private(ctx.user_id, "directory.empty", command=f"{setting} {listing}")]
    entries = [await _entry(ctx, group) for group in listed]
    shown = entries[: how_many_fit(entries, ctx.language, ctx.group.timezone)]
    join = translate(
        "directory.how_to_join",
        ctx.language,
        agree=ctx.command_line("agree"),
        observer=ctx.command_line("observer") + (" oui" if ctx.language == "fr" else " on"),
        hand=ctx.command_line("hand"),
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


async def resources(ctx: Context, args: NoArgs) -> list[Reply]:
    lines = crisis_lines(ctx)
    return [private(ctx.user_id, lines.key, **lines.params)]


def crisis_lines(ctx: Context) -> Key:
    """The group's crisis lines (by its country, in its language), with the plain statement
    that the bot is not a therapist and the emergency number: what ``resources`` says, and what
    ``concern`` gives the member and the moderators."""
    country = group_country(ctx.group)
    found = lines_for(ctx.resources, country, ctx.language)
    if not found.lines:
        return Key(
            "resources.unknown",
            {"country": country_name(country, ctx.language), "emergency": found.emergency},
        )
    listed = "\n".join(f"• {line}" for line in found.lines)
    return Key(
        "resources.list",
        {"lines": UserText(listed, multiline=True), "emergency": found.emergency},
    )


def group_country(group: Group) -> str | None:
    """The group's country: its ``country`` setting, else the territory of its time zone."""
    return group.country or country_of_zone(group.timezone)


def country_name(country: str | None, language: str) -> str:
    """`` (Canada)`` in the group's language, to follow "this country"; empty when unknown."""
    if country is None:
        return ""
    return f" ({Locale.parse(language).territories.get(country, country)})"
