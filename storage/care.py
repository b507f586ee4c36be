"""Repositories of what members entrust to the bot: themes and votes, the journal (encrypted
here, so the database never holds a note's text), and everything about one person at once
(``my-data`` and ``forget-me``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Connection

from bot.domain import JournalEntry, RankedTheme, Theme, ThemeVote
from bot.domain.jobs import PERSONAL_JOBS
from bot.domain.session import ACTIVE_STATES
from bot.domain.stick import without
from bot.errors import NotesUnreadable
from bot.ports import PersonalRecord
from storage.base import Repository, upserts
from storage.database import Transaction
from storage.journal_crypto import JournalCipher, JournalKeyError
from storage.rows import ATTENDANCE, GROUP, JOURNAL, MEMBER, PAUSE, THEME, TURN, VOTE
from storage.statements import execute, fetch, one, rows, scalar
from storage.sticks import get_stick, save_stick
from storage.tables import (
    attendance,
    groups,
    jobs,
    journal_entries,
    members,
    pause_requests,
    sessions,
    speaking_turns,
    sticks,
    theme_votes,
    themes,
)

# --- themes ---------------------------------------------------------------------------------

_ADD_THEME = insert(themes).returning(themes.c.id)
_GET_THEME = select(themes).where(
    themes.c.group_id == bindparam("group_id"), themes.c.id == bindparam("theme_id")
)
_UPDATE_THEME = update(themes).where(themes.c.id == bindparam("b_id"))
_VOTES = select(func.count()).where(theme_votes.c.theme_id == themes.c.id).scalar_subquery()
_MINE = (
    select(func.count())
    .where(theme_votes.c.theme_id == themes.c.id, theme_votes.c.user_id == bindparam("user_id"))
    .scalar_subquery()
)
_RANKED = (
    select(themes, _VOTES.label("votes"), _MINE.label("mine"))
    .where(themes.c.group_id == bindparam("group_id"))
    .order_by(_VOTES.desc(), themes.c.created_at, themes.c.id)
)
_ADD_VOTE = {
    name: stmt.on_conflict_do_nothing(
        index_elements=[theme_votes.c.theme_id, theme_votes.c.user_id]
    ).returning(theme_votes.c.theme_id)
    for name, stmt in upserts(theme_votes).items()
}
_DELETE_VOTE = delete(theme_votes).where(
    theme_votes.c.theme_id == bindparam("theme_id"), theme_votes.c.user_id == bindparam("user_id")
)


def _add_theme(connection: Connection, theme: Theme) -> Theme:
    return replace(theme, id=scalar(connection, _ADD_THEME, THEME.values(theme, without={"id"})))


def _get_theme(connection: Connection, group_id: int, theme_id: int) -> Theme | None:
    return one(connection, _GET_THEME, {"group_id": group_id, "theme_id": theme_id}, THEME)


def _update_theme(connection: Connection, theme: Theme) -> None:
    execute(connection, _UPDATE_THEME, {"b_id": theme.id, **THEME.values(theme, without={"id"})})


def _ranked(connection: Connection, group_id: int, user_id: str) -> list[RankedTheme]:
    found = rows(connection, _RANKED, {"group_id": group_id, "user_id": user_id})
    return [RankedTheme(THEME.load(row), row["votes"], row["mine"] > 0) for row in found]


def _vote(connection: Connection, vote: ThemeVote) -> bool:
    statement = _ADD_VOTE[connection.dialect.name]
    return scalar(connection, statement, VOTE.values(vote)) is not None


def _unvote(connection: Connection, theme_id: int, user_id: str) -> bool:
    return execute(connection, _DELETE_VOTE, {"theme_id": theme_id, "user_id": user_id}) > 0


class SqlThemes(Repository):
    __slots__ = ()

    async def add(self, theme: Theme) -> Theme:
        return await self._tx.run(_add_theme, theme)

    async def get(self, group_id: int, theme_id: int) -> Theme | None:
        return await self._tx.run(_get_theme, group_id, theme_id)

    async def update(self, theme: Theme) -> None:
        await self._tx.run(_update_theme, theme)

    async def ranked(self, group_id: int, user_id: str) -> Sequence[RankedTheme]:
        return await self._tx.run(_ranked, group_id, user_id)

    async def vote(self, vote: ThemeVote) -> bool:
        return await self._tx.run(_vote, vote)

    async def unvote(self, theme_id: int, user_id: str) -> bool:
        return await self._tx.run(_unvote, theme_id, user_id)


# --- journal --------------------------------------------------------------------------------

_OWNER = and_(
    journal_entries.c.platform == bindparam("platform"),
    journal_entries.c.user_id == bindparam("user_id"),
)
_NEXT_NUMBER = select(func.coalesce(func.max(journal_entries.c.number), 0) + 1).where(_OWNER)
_ADD_NOTE = insert(journal_entries).returning(journal_entries.c.id)
_LIST_NOTES = select(journal_entries).where(_OWNER).order_by(journal_entries.c.number)
_DELETE_NOTE = delete(journal_entries).where(
    _OWNER, journal_entries.c.number == bindparam("number")
)
_DELETE_NOTES = delete(journal_entries).where(_OWNER)


def _add_note(connection: Connection, entry: JournalEntry, ciphertext: str) -> JournalEntry:
    owner = {"platform": entry.platform, "user_id": entry.user_id}
    number = scalar(connection, _NEXT_NUMBER, owner)
    values = JOURNAL.values(entry, without={"id", "number"})
    new_id = scalar(connection, _ADD_NOTE, {**values, "number": number, "ciphertext": ciphertext})
    return replace(entry, id=new_id, number=number)


def _notes(connection: Connection, platform: str, user_id: str) -> list[dict[str, Any]]:
    return [
        dict(row)
        for row in rows(connection, _LIST_NOTES, {"platform": platform, "user_id": user_id})
    ]


def _delete_notes(connection: Connection, platform: str, user_id: str, number: int | None) -> int:
    owner: dict[str, Any] = {"platform": platform, "user_id": user_id}
    if number is None:
        return execute(connection, _DELETE_NOTES, owner)
    return execute(connection, _DELETE_NOTE, {**owner, "number": number})


class SqlJournal(Repository):
    __slots__ = ("_cipher",)

    def __init__(self, transaction: Transaction, cipher: JournalCipher | None) -> None:
        super().__init__(transaction)
        self._cipher = cipher

    @property
    def cipher(self) -> JournalCipher:
        if self._cipher is None:
            raise RuntimeError("this store was made without a journal key (SqlStore(cipher=…))")
        return self._cipher

    async def add(self, entry: JournalEntry) -> JournalEntry:
        return await self._tx.run(_add_note, entry, self.cipher.encrypt(entry.text))

    def read(self, rows: Sequence[dict[str, Any]]) -> list[JournalEntry]:
        """The notes of these rows, decrypted (:class:`NotesUnreadable` if the key cannot)."""
        try:
            texts = [self.cipher.decrypt(row["ciphertext"]) for row in rows]
        except JournalKeyError:
            raise NotesUnreadable(len(rows)) from None
        return [JOURNAL.load(row, text=text) for row, text in zip(rows, texts, strict=True)]

    async def list(self, platform: str, user_id: str) -> Sequence[JournalEntry]:
        return self.read(await self._tx.run(_notes, platform, user_id))

    async def delete(self, platform: str, user_id: str, number: int | None) -> int:
        return await self._tx.run(_delete_notes, platform, user_id, number)


# --- one person's data ----------------------------------------------------------------------

_PLATFORM_GROUPS = select(groups.c.id).where(groups.c.platform == bindparam("platform"))
_PLATFORM_SESSIONS = select(sessions.c.id).where(sessions.c.group_id.in_(_PLATFORM_GROUPS))
_MEMBERSHIPS = (
    select(groups, *[c.label(f"m_{c.name}") for c in members.c])
    .join(members, members.c.group_id == groups.c.id)
    .where(groups.c.platform == bindparam("platform"), members.c.user_id == bindparam("user_id"))
    .order_by(groups.c.id)
)
_THEMES_BY = (
    select(themes)
    .where(themes.c.group_id.in_(_PLATFORM_GROUPS), themes.c.author_id == bindparam("user_id"))
    .order_by(themes.c.id)
)
_VOTES_OF = (
    select(theme_votes, *[c.label(f"t_{c.name}") for c in themes.c])
    .join(themes, themes.c.id == theme_votes.c.theme_id)
    .where(themes.c.group_id.in_(_PLATFORM_GROUPS), theme_votes.c.user_id == bindparam("user_id"))
    .order_by(themes.c.id)
)
_TURNS_OF = (
    select(speaking_turns, sessions.c.group_id)
    .join(sessions, sessions.c.id == speaking_turns.c.session_id)
    .where(
        sessions.c.group_id.in_(_PLATFORM_GROUPS), speaking_turns.c.user_id == bindparam("user_id")
    )
    .order_by(speaking_turns.c.id)
)
_PAUSES_OF = (
    select(pause_requests, sessions.c.group_id)
    .join(sessions, sessions.c.id == pause_requests.c.session_id)
    .where(
        sessions.c.group_id.in_(_PLATFORM_GROUPS),
        pause_requests.c.requested_by == bindparam("user_id"),
    )
    .order_by(pause_requests.c.id)
)
_ATTENDANCE_OF = (
    select(attendance, sessions.c.group_id)
    .join(sessions, sessions.c.id == attendance.c.session_id)
    .where(sessions.c.group_id.in_(_PLATFORM_GROUPS), attendance.c.user_id == bindparam("user_id"))
    .order_by(attendance.c.session_id)
)
# Sticks are few per group (one per session); their queue is JSON, filtered in Python.
_STICKS_OF_PLATFORM = (
    select(sticks.c.session_id, sessions.c.group_id, sessions.c.state)
    .join(sessions, sessions.c.id == sticks.c.session_id)
    .where(sessions.c.group_id.in_(_PLATFORM_GROUPS))
)
_PERSONAL_JOBS = select(jobs.c.id, jobs.c.payload).where(
    jobs.c.group_id.in_(_PLATFORM_GROUPS),
    jobs.c.kind.in_([kind.value for kind in PERSONAL_JOBS]),
)
_ERASE_MEMBERS = delete(members).where(
    members.c.group_id.in_(_PLATFORM_GROUPS), members.c.user_id == bindparam("user_id")
)
_ERASE_TURNS = delete(speaking_turns).where(
    speaking_turns.c.session_id.in_(_PLATFORM_SESSIONS),
    speaking_turns.c.user_id == bindparam("user_id"),
)
_ERASE_PAUSES = delete(pause_requests).where(
    pause_requests.c.session_id.in_(_PLATFORM_SESSIONS),
    pause_requests.c.requested_by == bindparam("user_id"),
)
_ERASE_ATTENDANCE = delete(attendance).where(
    attendance.c.session_id.in_(_PLATFORM_SESSIONS),
    attendance.c.user_id == bindparam("user_id"),
)
_PLATFORM_THEMES = select(themes.c.id).where(themes.c.group_id.in_(_PLATFORM_GROUPS))
_ERASE_VOTES = delete(theme_votes).where(
    theme_votes.c.theme_id.in_(_PLATFORM_THEMES), theme_votes.c.user_id == bindparam("user_id")
)
_HAS_VOTES = select(theme_votes.c.theme_id).where(theme_votes.c.theme_id == themes.c.id).exists()
_OWN_THEMES = and_(
    themes.c.group_id.in_(_PLATFORM_GROUPS), themes.c.author_id == bindparam("user_id")
)
# Votes are erased first: a theme still voted for was voted for by someone else.
_ANONYMISE_THEMES = (
    update(themes)
    .where(_OWN_THEMES, _HAS_VOTES | themes.c.session_id.is_not(None))
    .values(author_id=None)
)
_ERASE_THEMES = delete(themes).where(_OWN_THEMES)
_ERASE_JOBS = delete(jobs).where(jobs.c.id.in_(bindparam("ids", expanding=True)))


def _collect(
    connection: Connection, platform: str, user_id: str
) -> tuple[PersonalRecord, list[dict[str, Any]]]:
    """Everything but the journal, and the journal's rows (decrypted on the event loop)."""
    who = {"platform": platform, "user_id": user_id}
    places = []
    for row in rows(connection, _STICKS_OF_PLATFORM, who):
        if row["state"] not in ACTIVE_STATES:
            continue
        stick = get_stick(connection, row["session_id"])
        if stick is not None and stick.mentions(user_id):
            places.append((row["group_id"], stick))
    record = PersonalRecord(
        memberships=[
            (GROUP.load(row), MEMBER.load(row, prefix="m_"))
            for row in rows(connection, _MEMBERSHIPS, who)
        ],
        themes=fetch(connection, _THEMES_BY, who, THEME),
        votes=[
            (VOTE.load(row), THEME.load(row, prefix="t_"))
            for row in rows(connection, _VOTES_OF, who)
        ],
        turns=[(row["group_id"], TURN.load(row)) for row in rows(connection, _TURNS_OF, who)],
        pauses=[(row["group_id"], PAUSE.load(row)) for row in rows(connection, _PAUSES_OF, who)],
        places=places,
        journal=(),
        attendance=[
            (row["group_id"], ATTENDANCE.load(row)) for row in rows(connection, _ATTENDANCE_OF, who)
        ],
    )
    return record, _notes(connection, platform, user_id)


def _erase(connection: Connection, platform: str, user_id: str) -> None:
    who = {"platform": platform, "user_id": user_id}
    for row in rows(connection, _STICKS_OF_PLATFORM, who):
        stick = get_stick(connection, row["session_id"])
        if stick is not None and stick.mentions(user_id):
            save_stick(connection, without(stick, user_id))
    personal = [
        row["id"]
        for row in rows(connection, _PERSONAL_JOBS, who)
        if user_id in (row["payload"].get("holder"), row["payload"].get("user"))
    ]
    if personal:
        execute(connection, _ERASE_JOBS, {"ids": personal})
    for statement in (
        _ERASE_MEMBERS,
        _ERASE_TURNS,
        _ERASE_PAUSES,
        _ERASE_ATTENDANCE,
        _ERASE_VOTES,
        _ANONYMISE_THEMES,
        _ERASE_THEMES,
        _DELETE_NOTES,
    ):
        execute(connection, statement, who)


class SqlPersonalData(Repository):
    __slots__ = ("_journal",)

    def __init__(self, transaction: Transaction, journal: SqlJournal) -> None:
        super().__init__(transaction)
        self._journal = journal

    async def collect(self, platform: str, user_id: str) -> PersonalRecord:
        record, notes = await self._tx.run(_collect, platform, user_id)
        try:
            return replace(record, journal=self._journal.read(notes))
        except NotesUnreadable as error:  # everything else is still theirs to see
            return replace(record, unreadable_notes=error.count)

    async def erase(self, platform: str, user_id: str) -> None:
        await self._tx.run(_erase, platform, user_id)
