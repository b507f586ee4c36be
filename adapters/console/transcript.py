"""Replies as plain transcript lines: ``[room] …`` and ``[private → NAME] …``, no colour."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from bot.i18n import render
from bot.replies import Attachment, Audience, Outgoing, Tone

CHOICE_MARK = "↳"
FILE_MARK = "📎"


def prefix(outgoing: Outgoing) -> str:
    reply = outgoing.reply
    if reply.audience is Audience.PRIVATE:
        return f"[private → {reply.user_id}]"
    return "[room]"


def format_outgoing(outgoing: Outgoing, files: Path | None = None) -> list[str]:
    """The lines for one reply; none for the stick panel (Discord and Matrix edit it in place,
    the console already shows every change of the stick as it happens)."""
    reply = outgoing.reply
    if reply.tone is Tone.PANEL:
        return []
    head = prefix(outgoing)
    indent = " " * (len(head) + 1)
    text_lines = render(outgoing).splitlines() or [""]
    lines = [f"{head} {text_lines[0]}".rstrip()]
    lines += [f"{indent}{line}".rstrip() for line in text_lines[1:]]
    if reply.choices:
        hint = " · ".join(choice.command for choice in reply.choices)
        lines.append(f"    {CHOICE_MARK} {hint}")
    if reply.attachment is not None:
        lines.append(f"    {FILE_MARK} {save(reply.attachment, files)}")
    return lines


def save(attachment: Attachment, folder: Path | None = None) -> Path:
    """The console's way to hand over a file (a calendar, a journal export…): write it in the
    data folder (beside the database), else the working folder."""
    name = Path(attachment.filename).name or "cercle-file"
    target = folder or Path.cwd()
    target.mkdir(parents=True, exist_ok=True)
    path = target / name
    path.write_bytes(attachment.data)
    return path


def format_all(outgoing: Iterable[Outgoing], files: Path | None = None) -> list[str]:
    return [line for item in outgoing for line in format_outgoing(item, files)]


def echo(name: str, text: str) -> str:
    return f"{name}: {text}"
