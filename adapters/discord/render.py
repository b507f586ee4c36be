"""A reply as Discord shows it: text with Discord timestamps, an embed for the stick panel,
buttons for choices, and the file that goes with it.  Every message is sent with mentions
disabled; the core has already defused ``@everyone`` and raw mentions in what members typed."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.i18n import PLACE_FORMATS, render_reply, translate
from bot.replies import Outgoing, Param, TimeOfDay, UserText

import discord
from adapters.discord.buttons import choice_view

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


def text(outgoing: Outgoing) -> str:
    """The reply's text, times shown as Discord timestamps (each member sees their own zone)."""
    reply = outgoing.reply
    params = {k: _stamped(v) for k, v in reply.params.items()}
    return render_reply(reply.key, params, outgoing.language, outgoing.timezone)


def message(outgoing: Outgoing, room_id: int) -> Message:
    """A plain reply: its text, a button per choice, its attachment."""
    reply = outgoing.reply
    found = Message(content=_fit(text(outgoing), MAX_CONTENT))
    if reply.choices:
        found.view = choice_view(room_id, reply.choices)
    attachment = reply.attachment
    if attachment is not None:
        found.file = discord.File(io.BytesIO(attachment.data), filename=attachment.filename)
    return found


def panel_embed(outgoing: Outgoing | None, language: str) -> discord.Embed:
    """The stick panel; ``None`` once the session is over."""
    body = translate("stick.panel_closed", language) if outgoing is None else text(outgoing)
    return discord.Embed(description=_fit(body, MAX_EMBED), colour=PANEL_COLOUR)


def nonce(idempotency_key: str) -> str:
    """Discord's nonce (at most 25 characters) for one logical message: sent with
    ``enforce_nonce``, a retry of the same message is answered with the first one."""
    return hashlib.sha256(idempotency_key.encode()).hexdigest()[:NONCE_LENGTH]


def _stamped(value: Param) -> Param:
    if isinstance(value, TimeOfDay):
        return UserText(f"<t:{_unix(value.at)}:t>")
    if isinstance(value, datetime):
        stamp = _unix(value)
        return UserText(f"<t:{stamp}:F> (<t:{stamp}:R>)")
    if isinstance(value, tuple):
        return tuple(_stamped(v) for v in value)
    return value


def _unix(when: datetime) -> int:
    return int(when.timestamp())


def _fit(body: str, limit: int) -> str:
    return body if len(body) <= limit else body[: limit - 1] + "…"
