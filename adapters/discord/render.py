"""A reply as Discord shows it: text with Discord timestamps, an embed for the stick panel,
buttons for choices, and the file that goes with it.  Every message is sent with mentions
disabled; the core has already defused ``@everyone`` and raw mentions in what members typed, and
every text parameter is shown literally (markdown escaped: no hidden link, no heading)."""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import discord

from adapters.discord.buttons import choice_view
from bot.i18n import PLACE_FORMATS, Markup, fit_text, render, translate
from bot.replies import Outgoing

NO_MENTIONS = discord.AllowedMentions.none()
MAX_CONTENT = 2000
MAX_EMBED = 4096
PANEL_COLOUR = discord.Colour(0x6B8E6B)
NONCE_LENGTH = 25


def channel_link(room_id: str) -> str:
    """A channel mention: Discord shows it as a link to the channel, and it pings nobody."""
    return f"<#{room_id}>" if room_id.isdigit() else room_id


PLACE_FORMATS["discord"] = channel_link


@dataclass(slots=True)
class Message:
    """Keyword arguments for ``send``/``send_message``/``followup.send``."""

    content: str | None = None
    embed: discord.Embed | None = None
    view: discord.ui.View | None = None
    file: discord.File | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def kwargs(self) -> dict[str, Any]:
        found: dict[str, Any] = {"allowed_mentions": NO_MENTIONS, **self.extra}
        for name in ("content", "embed", "view", "file"):
            value = getattr(self, name)
            if value is not None:
                found[name] = value
        return found


_UNESCAPED_LINK_MARK = re.compile(r"(?<!\\)((?:\\\\)*)([\[\]<])")
"""A ``[``, ``]`` or ``<`` after an even run of backslashes (so not escaped yet)."""
_LIST_ITEM = re.compile(r"^(\s*\d*)([.)+])(?=\s)")
"""``1. `` or ``+ `` at a line start: a list item (discord.py leaves these)."""


def literal(text: str) -> str:
    """``text`` shown as typed on Discord: discord.py escapes its markdown (``*``, ``_``, ``#``
    at a line start, ``[label](url)``…); brackets and ``<`` left alone by it are escaped too, so
    no two pieces of text can combine into a masked link, a timestamp or a mention."""
    # Line by line: over several lines, its ``^\s*-`` would escape a line break, not the dash.
    escaped = "\n".join(
        _LIST_ITEM.sub(r"\1\\\2", discord.utils.escape_markdown(line)) for line in text.split("\n")
    )
    return _UNESCAPED_LINK_MARK.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", escaped)


def _instant(when: datetime) -> str:
    stamp = int(when.timestamp())
    return f"<t:{stamp}:F> (<t:{stamp}:R>)"


def _time_of_day(when: datetime) -> str:
    return f"<t:{int(when.timestamp())}:t>"


MARKUP = Markup(literal=literal, instant=_instant, time_of_day=_time_of_day)
"""Times as Discord timestamps (each member sees their own zone), user text literal."""


def text(outgoing: Outgoing) -> str:
    """The reply's text as Discord shows it."""
    return render(outgoing, MARKUP)


def message(outgoing: Outgoing, room_id: int) -> Message:
    """A plain reply: its text, a button per choice, its attachment."""
    reply = outgoing.reply
    found = Message(content=_fit(text(outgoing), MAX_CONTENT, outgoing.language))
    if reply.choices:
        found.view = choice_view(room_id, reply.choices)
    attachment = reply.attachment
    if attachment is not None:
        found.file = discord.File(io.BytesIO(attachment.data), filename=attachment.filename)
    return found


def panel_embed(outgoing: Outgoing | None, language: str) -> discord.Embed:
    """The stick panel; ``None`` once the session is over."""
    body = translate("stick.panel_closed", language) if outgoing is None else text(outgoing)
    return discord.Embed(description=_fit(body, MAX_EMBED, language), colour=PANEL_COLOUR)


def nonce(idempotency_key: str) -> str:
    """Discord's nonce (at most 25 characters) for one logical message: sent with
    ``enforce_nonce``, a retry of the same message is answered with the first one."""
    return hashlib.sha256(idempotency_key.encode()).hexdigest()[:NONCE_LENGTH]


def _fit(body: str, limit: int, language: str) -> str:
    """Counted in UTF-16 units, the stricter count (an emoji is two)."""
    return fit_text(body, lambda text: len(text.encode("utf-16-le")) // 2 <= limit, language)
