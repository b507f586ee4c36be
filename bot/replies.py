"""Replies as data: a message key, its parameters, who sees it, and optional choices.

Handlers return these; each adapter renders them (embeds and ephemeral messages on Discord, HTML +
plain notices on Matrix, text lines in the console) through :mod:`bot.i18n`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class UserRef:
    """A member named in a reply; adapters may render a mention, the console shows the name."""

    user_id: str
    display_name: str


@dataclass(frozen=True, slots=True)
class UserText:
    """Text a person typed (a theme, a title, a group's name…): shown literally on every
    platform, on one line, and never pings anyone, whatever it contains.  ``multiline`` keeps
    its line breaks (a charter)."""

    text: str
    multiline: bool = False


@dataclass(frozen=True, slots=True)
class Key:
    """A nested message key, translated in the reply's language (e.g. a role name), with its own
    parameters (e.g. one line of a list), rendered like the reply's."""

    key: str
    params: Mapping[str, Param] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Lines:
    """Items shown one per line (``gap``: a blank line between them), e.g. a list of groups."""

    items: tuple[Param, ...]
    gap: bool = False


@dataclass(frozen=True, slots=True)
class Duration:
    minutes: float


@dataclass(frozen=True, slots=True)
class TimeOfDay:
    """An instant shown as a time only (``19:30``), for times within the next hours."""

    at: datetime


@dataclass(frozen=True, slots=True)
class InZone:
    """An instant written in a given time zone (a member's own, or the group's), as text on
    every platform: unlike a plain instant, never turned into a platform's local-time marker,
    since the zone is the point."""

    at: datetime
    zone: str
    time_only: bool = False


@dataclass(frozen=True, slots=True)
class ZoneCity:
    """The main city of a time zone, in the reader's language (``America/Montreal`` →
    « Montréal »), to say whose time a time is."""

    zone: str


@dataclass(frozen=True, slots=True)
class Place:
    """A group's room, shown so a person can go there (adapters may register a link format)."""

    platform: str
    room_id: str


Param = (
    str
    | int
    | datetime
    | TimeOfDay
    | UserRef
    | UserText
    | Key
    | Lines
    | Duration
    | Place
    | InZone
    | ZoneCity
    | tuple["Param", ...]
)


class Audience(StrEnum):
    ROOM = "room"
    PRIVATE = "private"


class Tone(StrEnum):
    INFO = "info"
    ERROR = "error"
    PANEL = "panel"
    """The stick panel: adapters show it once per session and edit it in place."""


@dataclass(frozen=True, slots=True)
class Choice:
    """Something the person can do next, as a command line (adapters make buttons of it)."""

    label: str
    command: str
    emoji: str | None = None
    """A one-tap answer (the room reminder's ✅ ❔ ❌): Matrix puts it under the message as a
    reaction that stands for ``command``, Discord shows it on the button."""


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file that goes with a reply (the group's calendar as .ics…)."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Reply:
    key: str
    params: Mapping[str, Param] = field(default_factory=dict)
    audience: Audience = Audience.ROOM
    user_id: str | None = None
    """The person who sees a private reply."""
    tone: Tone = Tone.INFO
    choices: tuple[Choice, ...] = ()
    attachment: Attachment | None = None
    confidential: bool = False
    """It holds what a member entrusted privately (journal notes, their data): adapters deliver
    it and never keep a copy (no outbox row, no log)."""
    for_moderators: bool = False
    """A notice meant for the recipient as a moderator (a break request…): sent only if they
    still are one when it leaves (see :class:`bot.ports.ModeratorCheck`)."""


def room(key: str, **params: Param) -> Reply:
    return Reply(key, params)


def private(user_id: str, key: str, **params: Param) -> Reply:
    return Reply(key, params, Audience.PRIVATE, user_id)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A reply bound for a place, with what it needs to be rendered there."""

    platform: str
    room_id: str
    reply: Reply
    language: str
    timezone: str
    idempotency_key: str
    """Stable for one logical message: adapters derive a Matrix txnId / Discord nonce from it."""
    panel_id: str | None = None
    """For Tone.PANEL: which panel to edit in place (one per session)."""
