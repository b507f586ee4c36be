"""A support circle bound to one room of one platform."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.stick import SpeakingOrder

LANGUAGES = ("fr", "en")


class Need(StrEnum):
    GRIEF = "grief"
    ILLNESS = "illness"
    SEPARATION = "separation"
    OTHER = "other"


class AccompanyingPolicy(StrEnum):
    """Whether people accompanying a member (family, carers) may attend."""

    WELCOME = "welcome"
    NOT_ADMITTED = "not-admitted"
    ASK = "ask"


@dataclass(frozen=True, slots=True)
class GroupDefaults:
    """What a group gets when it is created on first use (from the bot's configuration)."""

    language: str = "fr"
    timezone: str = "Europe/Paris"
    session_minutes: int = 90
    break_minutes: int = 10
    reminder_leads: tuple[int, ...] = (24 * 60, 15)


@dataclass(frozen=True, slots=True)
class Group:
    id: int
    platform: str
    room_id: str
    name: str
    need: Need
    language: str
    timezone: str
    charter: str | None
    """The group's own charter text, or None for the default charter of its language."""
    accompanying: AccompanyingPolicy
    reminder_leads: tuple[int, ...]
    """Minutes before a session at which the room is reminded, largest first."""
    session_minutes: int
    break_minutes: int
    speaking_order: SpeakingOrder
    """Where a raised hand joins the line (``group set order``)."""
    charter_required: bool
    listed: bool
    """Shown in the directory (``groups``) of its platform; off until a moderator chooses it."""
    created_at: datetime
    country: str | None = None
    """ISO 3166 code chosen with ``group set country``; None: the territory of the time zone."""
    region: str | None = None
    """The region of the language setting (``en-US`` → ``US``): how times and dates are written
    (12-hour clock in the United States); None: the language's plain style (24-hour clock)."""
    reply_hands: bool = True
    """Members may raise a reply hand (``hand reply``), which goes before the regular line."""
    opening_round: bool = False
    """Every session opened by hand starts with a tour de table (``group set opening-round``)."""
    closing_round: bool = False
    """``session end`` first goes round the room once more (``group set closing-round``)."""
    summary: bool = False
    """At the end of a session the moderators get, privately, who spoke how often and how long
    (``group set summary``): a facilitator's tool, off unless a group asks for it."""
    hand_check_minutes: int | None = 30
    """A hand up this long gets one gentle private check (``group set hand-check``); None: never."""
    leave_grace_minutes: int = 2
    """Someone in line who leaves the room keeps their place this long (``group set
    leave-grace``): back within it, nothing changed; after it, they are taken out of the line."""
    capacity: int | None = None
    """How many may say they come to a session (``group set capacity``); past it, a waiting
    list (see :mod:`bot.domain.attendance`).  None: no limit."""

    @property
    def locale(self) -> str:
        """The Babel locale for dates and times: ``en``, ``en_US``, ``fr_CA``…"""
        return f"{self.language}_{self.region}" if self.region else self.language

    @classmethod
    def new(
        cls, platform: str, room_id: str, defaults: GroupDefaults, now: datetime, name: str = ""
    ) -> Group:
        return cls(
            id=0,
            platform=platform,
            room_id=room_id,
            name=name or room_id,
            need=Need.OTHER,
            language=defaults.language,
            timezone=defaults.timezone,
            charter=None,
            accompanying=AccompanyingPolicy.ASK,
            reminder_leads=tuple(sorted(defaults.reminder_leads, reverse=True)),
            session_minutes=defaults.session_minutes,
            break_minutes=defaults.break_minutes,
            speaking_order=SpeakingOrder.ARRIVAL,
            charter_required=True,
            listed=False,
            created_at=now,
        )
