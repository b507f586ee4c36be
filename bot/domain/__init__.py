"""Plain frozen dataclasses and the pure rules that change them."""

from bot.domain.attendance import Answer, Attendance
from bot.domain.care import JournalEntry, RankedTheme, Theme, ThemeVote
from bot.domain.group import AccompanyingPolicy, Group, GroupDefaults, Need
from bot.domain.jobs import Job, JobKind, JobState
from bot.domain.member import Member, Role
from bot.domain.pause import Cooldown, PauseRequest, PendingAsks
from bot.domain.series import Series
from bot.domain.session import Session, SessionState
from bot.domain.stick import Handover, SpeakingOrder, SpeakingTurn, Stick, StickChange

__all__ = [
    "AccompanyingPolicy",
    "Answer",
    "Attendance",
    "Cooldown",
    "Group",
    "GroupDefaults",
    "Handover",
    "Job",
    "JobKind",
    "JobState",
    "JournalEntry",
    "Member",
    "Need",
    "PauseRequest",
    "PendingAsks",
    "RankedTheme",
    "Role",
    "Series",
    "Session",
    "SessionState",
    "SpeakingOrder",
    "SpeakingTurn",
    "Stick",
    "StickChange",
    "Theme",
    "ThemeVote",
]
