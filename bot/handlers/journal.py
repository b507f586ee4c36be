"""The private journal: notes only their author reads, after a session or at any time.

Every answer is private, wherever the command was typed, and never repeats a note in a room.
Answers that hold notes are marked confidential so adapters keep no copy of them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Annotated

from bot.commands.args import ID_MAX, parse_int
from bot.commands.arguments import NoArgs, Text, Word
from bot.commands.context import Context
from bot.commands.parser import fold
from bot.domain import Job, JobKind, JournalEntry, Session
from bot.domain.care import JOURNAL_MAX_LENGTH
from bot.errors import NotFound, UsageError
from bot.handlers.common import OnOff
from bot.i18n import format_when, how_many_fit, translate
from bot.i18n.cleaning import one_line, shorten
from bot.replies import Attachment, Key, Lines, Reply, UserText, private

PROMPT_DELAY = timedelta(minutes=10)
"""After a session closes, members who asked for it are invited to write after this long: time
to breathe first."""

_ALL = frozenset({"all", "tout", "tous", "toutes"})

PREVIEW_LENGTH = 300
"""``journal list`` shows each note on one line, this long at most; ``journal export`` gives
every note in full."""


def _confidential(reply: Reply) -> Reply:
    return replace(reply, confidential=True)


@dataclass(frozen=True, slots=True)
class Note:
    text: Annotated[str, Text(max_length=JOURNAL_MAX_LENGTH)]


@dataclass(frozen=True, slots=True)
class Which:
    which: Annotated[str, Word(max_length=20)]
    """A note's number, or ``all``."""


async def add(ctx: Context, args: Note) -> list[Reply]:
    text = args.text.strip()
    if not text:
        raise UsageError("error.journal_empty")
    entry = await ctx.uow.journal.add(
        JournalEntry(0, ctx.group.platform, ctx.user_id, 0, ctx.group.id, text, ctx.now)
    )
    replies = [private(ctx.user_id, "journal.added", number=entry.number)]
    if not ctx.private:
        replies.append(private(ctx.user_id, "journal.typed_in_room"))
    return replies


async def list_(ctx: Context, args: NoArgs) -> list[Reply]:
    entries = await ctx.uow.journal.list(ctx.group.platform, ctx.user_id)
    if not entries:
        return [private(ctx.user_id, "journal.empty", command=_add_line(ctx))]
    # The most recent notes that fit in one message, oldest first; the rest is in the export.
    lines = [_line(entry) for entry in reversed(entries)]
    shown = lines[: how_many_fit(lines, ctx.language, ctx.group.timezone)][::-1]
    complete = len(shown) == len(entries) and all(_whole(entry.text) for entry in entries)
    if complete:
        reply = private(ctx.user_id, "journal.list", lines=Lines(tuple(shown)))
    else:
        line = ctx.command_line("journal", "export")
        reply = private(
            ctx.user_id, "journal.list_partial", lines=Lines(tuple(shown)), command=line
        )
    return [_confidential(reply)]


def _preview(text: str) -> str:
    return shorten(one_line(text), PREVIEW_LENGTH)


def _whole(text: str) -> bool:
    """The preview is the note itself: no line break lost, nothing cut."""
    return _preview(text) == text.strip()


def _line(entry: JournalEntry) -> Key:
    preview = UserText(_preview(entry.text))
    return Key("journal.entry", {"number": entry.number, "when": entry.created_at, "text": preview})


def _add_line(ctx: Context) -> str:
    return ctx.command_line("journal", "add")


async def export(ctx: Context, args: NoArgs) -> list[Reply]:
    entries = await ctx.uow.journal.list(ctx.group.platform, ctx.user_id)
    if not entries:
        return [private(ctx.user_id, "journal.empty", command=_add_line(ctx))]
    title = translate("journal.export_title", ctx.language)
    blocks = [f"# {title}"]
    for entry in entries:
        when = format_when(entry.created_at, ctx.locale, ctx.group.timezone)
        blocks.append(f"## {entry.number} — {when}\n\n{entry.text}")
    data = ("\n\n".join(blocks) + "\n").encode()
    reply = private(ctx.user_id, "journal.exported", count=len(entries))
    attachment = Attachment("journal.md", "text/markdown", data)
    return [_confidential(replace(reply, attachment=attachment))]


async def delete(ctx: Context, args: Which) -> list[Reply]:
    which = args.which.strip()
    platform = ctx.group.platform
    if fold(which) in _ALL:
        count = await ctx.uow.journal.delete(platform, ctx.user_id, None)
        return [private(ctx.user_id, "journal.deleted_all", count=count)]
    number = parse_int(which)
    if number is None:
        raise UsageError("error.journal_which", {"value": UserText(which[:20])})
    if (
        not 1 <= number <= ID_MAX
        or await ctx.uow.journal.delete(platform, ctx.user_id, number) == 0
    ):
        line = ctx.command_line("journal", "list")
        raise NotFound("error.journal_not_found", {"number": number, "command": line})
    return [private(ctx.user_id, "journal.deleted", number=number)]


async def prompt(ctx: Context, args: OnOff) -> list[Reply]:
    wanted = args.state == "on"
    ctx.member = replace(ctx.member, journal_prompt=wanted)
    await ctx.uow.members.update(ctx.member)
    return [private(ctx.user_id, "journal.prompt_on" if wanted else "journal.prompt_off")]


def prompt_job(session: Session, closed_at: datetime) -> Job:
    """The invitation to write, some time after ``session`` closed."""
    return Job.new(
        JobKind.JOURNAL_PROMPT,
        f"journal-prompt:{session.id}",
        session.group_id,
        closed_at + PROMPT_DELAY,
        session_id=session.id,
    )
