"""Repositories of what members entrust to the bot: themes and votes, the journal (encrypted
here, so the database never holds a note's text), and everything about one person at once
(``my-data`` and ``forget-me``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, insert, select, update

from bot.domain import (
    JobKind,
    JournalEntry,
    PauseRequest,
    RankedTheme,
    SpeakingTurn,
    Theme,
    ThemeVote,
)
from bot.domain.session import ACTIVE_STATES
from bot.domain.stick import without
from bot.errors import NotesUnreadable
from bot.ports import PersonalRecord, StickRepository
from storage.journal_crypto import JournalCipher, JournalKeyError
from storage.repositories import (
    ConnectionSource,
    _by_dialect,
    _group,
    _member,
    _Repository,
)
from storage.tables import (
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

# --- themes -------------------------------------------------------------------------------


def _theme(row: Mapping[Any, Any]) -> Theme:
    return Theme(
        id=row["id"],
        group_id=row["group_id"],
        author_id=row["author_id"],
        text=row["text"],
        created_at=row["created_at"],
        session_id=row["session_id"],
    )


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
    for name, stmt in _by_dialect(theme_votes).items()
}
_DELETE_VOTE = delete(theme_votes).where(
    theme_votes.c.theme_id == bindparam("theme_id"), theme_votes.c.user_id == bindparam("user_id")
)


class SqlThemes(_Repository):
    __slots__ = ()

    async def add(self, theme: Theme) -> Theme:
        result = await self._uow.connection.execute(
            _ADD_THEME,
            {
                "group_id": theme.group_id,
                "author_id": theme.author_id,
                "text": theme.text,
                "created_at": theme.created_at,
                "session_id": theme.session_id,
            },
        )
        return replace(theme, id=result.scalar_one())

    async def get(self, group_id: int, theme_id: int) -> Theme | None:
        result = await self._uow.connection.execute(
            _GET_THEME, {"group_id": group_id, "theme_id": theme_id}
        )
        row = result.mappings().first()
        return None if row is None else _theme(row)

    async def update(self, theme: Theme) -> None:
        await self._uow.connection.execute(
            _UPDATE_THEME,
            {
                "b_id": theme.id,
                "author_id": theme.author_id,
                "text": theme.text,
                "session_id": theme.session_id,
            },
        )

    async def ranked(self, group_id: int, user_id: str) -> Sequence[RankedTheme]:
        result = await self._uow.connection.execute(
            _RANKED, {"group_id": group_id, "user_id": user_id}
        )
        return [
            RankedTheme(_theme(row), row["votes"], row["mine"] > 0) for row in result.mappings()
        ]

    async def vote(self, vote: ThemeVote) -> bool:
        result = await self._uow.connection.execute(
            _ADD_VOTE[self._uow.dialect],
            {"theme_id": vote.theme_id, "user_id": vote.user_id, "voted_at": vote.voted_at},
        )
        return result.scalar() is not None

    async def unvote(self, theme_id: int, user_id: str) -> bool:
        result = await self._uow.connection.execute(
            _DELETE_VOTE, {"theme_id": theme_id, "user_id": user_id}
        )
        return result.rowcount > 0


# --- journal ------------------------------------------------------------------------------

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


class SqlJournal(_Repository):
    __slots__ = ("_cipher",)

    def __init__(self, uow: ConnectionSource, cipher: JournalCipher | None) -> None:
        super().__init__(uow)
        self._cipher = cipher

    @property
    def cipher(self) -> JournalCipher:
        if self._cipher is None:
            raise RuntimeError("this store was made without a journal key (SqlStore(cipher=…))")
        return self._cipher

    async def add(self, entry: JournalEntry) -> JournalEntry:
        owner = {"platform": entry.platform, "user_id": entry.user_id}
        ciphertext = self.cipher.encrypt(entry.text)
        number = (await self._uow.connection.execute(_NEXT_NUMBER, owner)).scalar_one()
        result = await self._uow.connection.execute(
            _ADD_NOTE,
            {
                **owner,
                "number": number,
                "group_id": entry.group_id,
                "ciphertext": ciphertext,
                "created_at": entry.created_at,
            },
        )
        return replace(entry, id=result.scalar_one(), number=number)

    async def list(self, platform: str, user_id: str) -> Sequence[JournalEntry]:
        result = await self._uow.connection.execute(
            _LIST_NOTES, {"platform": platform, "user_id": user_id}
        )
        rows = result.mappings().all()
        try:
            texts = [self.cipher.decrypt(row["ciphertext"]) for row in rows]
        except JournalKeyError:
            raise NotesUnreadable(len(rows)) from None
        return [
            JournalEntry(
                id=row["id"],
                platform=row["platform"],
                user_id=row["user_id"],
                number=row["number"],
                group_id=row["group_id"],
                text=text,
                created_at=row["created_at"],
            )
            for row, text in zip(rows, texts, strict=True)
        ]

    async def delete(self, platform: str, user_id: str, number: int | None) -> int:
        owner: dict[str, Any] = {"platform": platform, "user_id": user_id}
        if number is None:
            result = await self._uow.connection.execute(_DELETE_NOTES, owner)
        else:
            result = await self._uow.connection.execute(_DELETE_NOTE, {**owner, "number": number})
        return result.rowcount


# --- one person's data --------------------------------------------------------------------

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
# Sticks are few per group (one per session); their queue is JSON, filtered in Python.
_STICKS_OF_PLATFORM = (
    select(sticks.c.session_id, sessions.c.group_id, sessions.c.state)
    .join(sessions, sessions.c.id == sticks.c.session_id)
    .where(sessions.c.group_id.in_(_PLATFORM_GROUPS))
)
_NUDGES = select(jobs.c.id, jobs.c.payload).where(
    jobs.c.group_id.in_(_PLATFORM_GROUPS), jobs.c.kind == JobKind.TURN_NUDGE.value
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


def _prefixed(row: Mapping[Any, Any], prefix: str) -> dict[str, Any]:
    """The columns of a joined table, selected under ``prefix`` (``m_user_id``…), unprefixed."""
    return {k[len(prefix) :]: v for k, v in row.items() if k.startswith(prefix)}


class SqlPersonalData(_Repository):
    __slots__ = ("_journal", "_sticks")

    def __init__(
        self, uow: ConnectionSource, journal: SqlJournal, sticks_: StickRepository
    ) -> None:
        super().__init__(uow)
        self._journal = journal
        self._sticks = sticks_

    async def collect(self, platform: str, user_id: str) -> PersonalRecord:
        who = {"platform": platform, "user_id": user_id}
        run = self._uow.connection.execute
        memberships = [
            (_group(row), _member(_prefixed(row, "m_")))
            for row in (await run(_MEMBERSHIPS, who)).mappings()
        ]
        own_themes = [_theme(row) for row in (await run(_THEMES_BY, who)).mappings()]
        votes = [
            (
                ThemeVote(row["theme_id"], row["user_id"], row["voted_at"]),
                _theme(_prefixed(row, "t_")),
            )
            for row in (await run(_VOTES_OF, who)).mappings()
        ]
        turns = [
            (
                row["group_id"],
                SpeakingTurn(row["session_id"], row["user_id"], row["started_at"], row["ended_at"]),
            )
            for row in (await run(_TURNS_OF, who)).mappings()
        ]
        pauses = [
            (
                row["group_id"],
                PauseRequest(
                    row["id"], row["session_id"], row["requested_by"], row["requested_at"]
                ),
            )
            for row in (await run(_PAUSES_OF, who)).mappings()
        ]
        places = []
        for session_id, group_id, state in (await run(_STICKS_OF_PLATFORM, who)).all():
            if state not in ACTIVE_STATES:
                continue
            stick = await self._sticks.get(session_id)
            if stick is not None and stick.involves(user_id):
                places.append((group_id, stick))
        journal: Sequence[JournalEntry] = ()
        unreadable = 0
        try:
            journal = await self._journal.list(platform, user_id)
        except NotesUnreadable as error:  # everything else is still theirs to see
            unreadable = error.count
        return PersonalRecord(
            memberships=memberships,
            themes=own_themes,
            votes=votes,
            turns=turns,
            pauses=pauses,
            places=places,
            journal=journal,
            unreadable_notes=unreadable,
        )

    async def erase(self, platform: str, user_id: str) -> None:
        who = {"platform": platform, "user_id": user_id}
        run = self._uow.connection.execute
        for session_id, _, _ in (await run(_STICKS_OF_PLATFORM, who)).all():
            stick = await self._sticks.get(session_id)
            if stick is not None and stick.involves(user_id):
                await self._sticks.save(without(stick, user_id))
        nudges = [
            job_id
            for job_id, payload in (await run(_NUDGES, who)).all()
            if payload.get("holder") == user_id
        ]
        if nudges:
            await run(_ERASE_JOBS, {"ids": nudges})
        for statement in (
            _ERASE_MEMBERS,
            _ERASE_TURNS,
            _ERASE_PAUSES,
            _ERASE_VOTES,
            _ANONYMISE_THEMES,
            _ERASE_THEMES,
            _DELETE_NOTES,
        ):
            await run(statement, who)
