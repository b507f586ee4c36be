"""What members type, made safe to show: no invisible or direction-changing characters, no forged
lines, no pings.  The renderer applies these to every parameter; nothing else needs to."""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_LENGTH = 40
"""A display name is shown at most this long (Discord's own limit is 32): long enough for a full
name, short enough that a queue of names still fits one message."""

MAX_COMBINING = 2
"""Combining marks kept after one letter (accents stack up to two in real scripts; "zalgo" text
stacks dozens that spill over the lines around it)."""

ELLIPSIS = "…"

_PINGS = re.compile(r"@(everyone|here|room|channel)\b", re.IGNORECASE)
_RAW_MENTION = re.compile(r"<(@[!&]?|#)(\d+)>")
_LINE_BREAKS = {"\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"}
_SPACES = re.compile(r"[^\S\n]+")


def defuse(text: str) -> str:
    """Make user-typed text unable to ping: ``@everyone``/``@here``/``@room`` and raw Discord
    mentions get an invisible word joiner, so they read the same but notify nobody."""
    text = _PINGS.sub(lambda m: "@\u2060" + m.group(1), text)
    return _RAW_MENTION.sub(lambda m: "<\u2060" + m.group(1) + m.group(2) + ">", text)


def visible(text: str, *, keep_lines: bool = True) -> str:
    """``text`` in NFC without control, format (bidi overrides, zero-width…) or unassigned
    characters; line breaks become ``\\n`` (or spaces), runs of combining marks are capped."""
    if text.isascii() and text.isprintable():
        return text  # the common case: nothing to remove
    kept: list[str] = []
    combining = 0
    for char in unicodedata.normalize("NFC", text.replace("\r\n", "\n")):
        if char in _LINE_BREAKS:
            kept.append("\n" if keep_lines else " ")
            combining = 0
            continue
        category = unicodedata.category(char)
        if category in {"Cc", "Zs"}:
            kept.append(" ")  # tabs and exotic spaces read as one plain space
        elif category in ("Cf", "Cs", "Cn", "Co"):
            continue
        elif category in ("Mn", "Me"):
            combining += 1
            if combining <= MAX_COMBINING:
                kept.append(char)
            continue
        else:
            kept.append(char)
        combining = 0
    return "".join(kept)


def one_line(text: str) -> str:
    """User text on a single line, spaces collapsed, invisible characters removed."""
    return " ".join(visible(text, keep_lines=False).split())


def clean_lines(text: str) -> str:
    """User text that may span lines (a charter): each line cleaned, blank runs kept short."""
    lines = [_SPACES.sub(" ", line).strip() for line in visible(text, keep_lines=True).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when something was cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def clean_name(name: str, fallback: str = "") -> str:
    """The one cleaning of a display name (members, groups) before it is shown anywhere: one
    line, no invisible or bidi characters, at most :data:`MAX_NAME_LENGTH` characters."""
    cleaned = shorten(one_line(name), MAX_NAME_LENGTH)
    if cleaned or not fallback:
        return cleaned
    return shorten(one_line(fallback), MAX_NAME_LENGTH)
