"""The in-memory storage the core's tests run on: a unit of work with real transaction
semantics, contract-tested against the SQL storage (tests/storage/test_storage_contract.py)."""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import TracebackType
from typing import Self

from bot.domain import (
    Attendance,
    Group,
    Job,
    JobKind,
    JobState,
    JournalEntry,
    Member,
    PauseRequest,
    RankedTheme,
    Series,
    Session,
    SessionState,
    SpeakingTurn,
    Stick,
    Theme,
    ThemeVote,
)
from bot.domain.jobs import PERSONAL_JOBS
from bot.domain.session import ACTIVE_STATES
from bot.domain.stick import without
from bot.ports import (
    ActiveStick,
    AttendanceRepository,
    GroupRepository,
    HandledEventRepository,
    JobRepository,
    JournalRepository,
    MemberRepository,
    PauseRepository,
    PersonalDataRepository,
    PersonalRecord,
    PlatformStateRepository,
    SeriesRepository,
    SessionRepository,
    StickRepository,
    ThemeRepository,
)
from bot.replies import Outgoing


@dataclass
class _Tables:
    groups: dict[int, Group] = field(default_factory=dict)
    members: dict[tuple[int, str], Member] = field(default_factory=dict)
    sessions: dict[int, Session] = field(default_factory=dict)
    series: dict[int, Series] = field(default_factory=dict)
    sticks: dict[int, Stick] = field(default_factory=dict)
    turns: list[SpeakingTurn] = field(default_factory=list)
    pauses: dict[int, PauseRequest] = field(default_factory=dict)
    jobs: dict[int, Job] = field(default_factory=dict)
    platform_state: dict[tuple[str, str], str] = field(default_factory=dict)
    handled: dict[tuple[str, str], datetime] = field(default_factory=dict)
    themes: dict[int, Theme] = field(default_factory=dict)
    votes: dict[tuple[int, str], ThemeVote] = field(default_factory=dict)
    journal: dict[int, JournalEntry] = field(default_factory=dict)
    attendance: dict[tuple[int, str], Attendance] = field(default_factory=dict)
    next_id: int = 1

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1


class InMemoryStore:
    """The committed state shared by every :class:`InMemoryUnitOfWork` made from it."""

    def __init__(self) -> None:
        self.tables = _Tables()
        self.commits = 0

    def __call__(self) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self)


class _Repo:
    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    @property
    def t(self) -> _Tables:
        return self._uow.working


class _Groups(_Repo):
    async def get(self, platform: str, room_id: str, *, for_update: bool = False) -> Group | None:
        return next(
            (g for g in self.t.groups.values() if (g.platform, g.room_id) == (platform, room_id)),
            None,
        )

    async def get_with_member(
        self, platform: str, room_id: str, user_id: str, *, for_update: bool = False
    ) -> tuple[Group | None, Member | None]:
        group = await self.get(platform, room_id, for_update=for_update)
        if group is None:
            return None, None
        return group, self.t.members.get((group.id, user_id))

    async def add(self, group: Group) -> Group:
        if await self.get(group.platform, group.room_id) is not None:
            raise ValueError("a group already exists for this room")
        stored = replace(group, id=self.t.new_id())
        self.t.groups[stored.id] = stored
        return stored

    async def update(self, group: Group) -> None:
        self.t.groups[group.id] = group

    async def listed(self, platform: str) -> Sequence[Group]:
        found = [g for g in self.t.groups.values() if g.platform == platform and g.listed]
        return sorted(found, key=lambda g: (g.name.casefold(), g.id))

    async def get_many(self, group_ids: Collection[int]) -> Mapping[int, Group]:
        return {i: self.t.groups[i] for i in set(group_ids) if i in self.t.groups}


class _Members(_Repo):
    async def get(self, group_id: int, user_id: str) -> Member | None:
        return self.t.members.get((group_id, user_id))

    async def add(self, member: Member) -> None:
        key = (member.group_id, member.user_id)
        if key in self.t.members:
            raise ValueError("member already exists")
        self.t.members[key] = member

    async def update(self, member: Member) -> None:
        self.t.members[(member.group_id, member.user_id)] = member

    async def list(self, group_id: int) -> Sequence[Member]:
        found = [m for (g, _), m in self.t.members.items() if g == group_id]
        return sorted(found, key=lambda m: (m.joined_at, m.user_id))

    async def get_many(self, group_id: int, user_ids: Collection[str]) -> Sequence[Member]:
        found = [m for u in set(user_ids) if (m := self.t.members.get((group_id, u)))]
        return sorted(found, key=lambda m: (m.joined_at, m.user_id))

    async def of_groups(self, group_ids: Collection[int]) -> Mapping[int, Sequence[Member]]:
        wanted, found = set(group_ids), dict[int, list[Member]]()
        for (group_id, _), member in self.t.members.items():
            if group_id in wanted:
                found.setdefault(group_id, []).append(member)
        return {g: sorted(ms, key=lambda m: (m.joined_at, m.user_id)) for g, ms in found.items()}

    async def by_calendar_token(self, token_hash: str) -> Member | None:
        found = [m for m in self.t.members.values() if m.calendar_token == token_hash]
        return found[0] if found else None


class _Sessions(_Repo):
    async def get(self, session_id: int) -> Session | None:
        return self.t.sessions.get(session_id)

    async def active(self, group_id: int) -> Session | None:
        return next(
            (
                s
                for s in self.t.sessions.values()
                if s.group_id == group_id and s.state in ACTIVE_STATES
            ),
            None,
        )

    async def add(self, session: Session) -> Session:
        stored = replace(session, id=self.t.new_id())
        self.t.sessions[stored.id] = stored
        return stored

    async def add_many(self, sessions: Sequence[Session]) -> list[Session]:
        return [await self.add(session) for session in sessions]

    async def update(self, session: Session) -> None:
        self.t.sessions[session.id] = session

    async def upcoming(self, group_id: int, after: datetime, limit: int) -> Sequence[Session]:
        found = [
            s
            for s in self.t.sessions.values()
            if s.group_id == group_id
            and (
                s.state in ACTIVE_STATES
                or (s.state is SessionState.SCHEDULED and s.planned_start >= after)
            )
        ]
        found.sort(key=lambda s: (s.state not in ACTIVE_STATES, s.planned_start, s.id))
        return found[:limit]

    async def unplanned(self, before: datetime, limit: int) -> Sequence[Session]:
        found = [
            s
            for s in self.t.sessions.values()
            if s.state is SessionState.SCHEDULED
            and not s.reminders_planned
            and s.planned_start < before
        ]
        return sorted(found, key=lambda s: (s.planned_start, s.id))[:limit]

    async def of_series(self, series_id: int) -> Sequence[Session]:
        found = [s for s in self.t.sessions.values() if s.series_id == series_id]
        return sorted(found, key=lambda s: (s.planned_start, s.id))

    async def get_many(self, session_ids: Collection[int]) -> Mapping[int, Session]:
        return {i: self.t.sessions[i] for i in set(session_ids) if i in self.t.sessions}

    async def mark_planned(self, session_ids: Collection[int]) -> None:
        for i in set(session_ids):
            if i in self.t.sessions:
                self.t.sessions[i] = replace(self.t.sessions[i], reminders_planned=True)


class _Series(_Repo):
    async def add(self, series: Series) -> Series:
        stored = replace(series, id=self.t.new_id())
        self.t.series[stored.id] = stored
        return stored

    async def get(self, series_id: int) -> Series | None:
        return self.t.series.get(series_id)

    async def update(self, series: Series) -> None:
        self.t.series[series.id] = series

    async def of_group(self, group_id: int) -> Sequence[Series]:
        return sorted(
            (s for s in self.t.series.values() if s.group_id == group_id), key=lambda s: s.id
        )

    async def behind(self, until: datetime, limit: int) -> Sequence[Series]:
        found = [
            s for s in self.t.series.values() if not s.cancelled and s.materialized_until < until
        ]
        return sorted(found, key=lambda s: (s.materialized_until, s.id))[:limit]

    async def add_many(self, series: Sequence[Series]) -> list[Series]:
        return [await self.add(item) for item in series]

    async def set_materialized(self, series_ids: Collection[int], until: datetime) -> None:
        for i in set(series_ids):
            if i in self.t.series:
                self.t.series[i] = replace(self.t.series[i], materialized_until=until)


class _Sticks(_Repo):
    async def get(self, session_id: int) -> Stick | None:
        stick = self.t.sticks.get(session_id)
        if stick is None:
            return None
        spoken = {t.user_id for t in self.t.turns if t.session_id == session_id}
        if stick.holder:
            spoken.add(stick.holder)
        return replace(stick, spoken=frozenset(spoken))

    async def of_active_session(self, group_id: int) -> ActiveStick | None:
        session = await self._uow.sessions.active(group_id)
        if session is None:
            return None
        stick = await self.get(session.id)
        named = () if stick is None else stick.in_line
        return ActiveStick(session, stick, await self._uow.members.get_many(group_id, named))

    async def save(self, stick: Stick) -> None:
        self.t.sticks[stick.session_id] = replace(stick, spoken=frozenset())

    async def add_turn(self, turn: SpeakingTurn) -> None:
        self.t.turns.append(turn)

    async def turns(self, session_id: int) -> Sequence[SpeakingTurn]:
        return [t for t in self.t.turns if t.session_id == session_id]


class _Pauses(_Repo):
    async def add(self, request: PauseRequest) -> PauseRequest:
        stored = replace(request, id=self.t.new_id())
        self.t.pauses[stored.id] = stored
        return stored


class _Jobs(_Repo):
    async def schedule(self, job: Job) -> bool:
        same = next((j for j in self.t.jobs.values() if j.key == job.key), None)
        if same is not None:
            if same.state is not JobState.CANCELLED:
                return False
            revived = replace(job, id=same.id, state=JobState.PENDING, claimed_until=None)
            self.t.jobs[same.id] = revived
            return True
        stored = replace(job, id=self.t.new_id(), state=JobState.PENDING, claimed_until=None)
        self.t.jobs[stored.id] = stored
        return True

    async def schedule_many(self, jobs: Sequence[Job]) -> None:
        for job in jobs:
            await self.schedule(job)

    async def cancel(self, key: str) -> None:
        for job in list(self.t.jobs.values()):
            if job.key == key and job.state is JobState.PENDING:
                self.t.jobs[job.id] = replace(job, state=JobState.CANCELLED)

    async def cancel_for_session(self, session_id: int) -> None:
        for job in list(self.t.jobs.values()):
            if job.session_id == session_id and job.state is JobState.PENDING:
                self.t.jobs[job.id] = replace(job, state=JobState.CANCELLED)

    async def claim_due(self, now: datetime, limit: int, lease_until: datetime) -> Sequence[Job]:
        due = [
            j
            for j in self.t.jobs.values()
            if j.state is JobState.PENDING
            and j.due_at <= now
            and (j.claimed_until is None or j.claimed_until <= now)
        ]
        claimed = [
            replace(j, claimed_until=lease_until)
            for j in sorted(due, key=lambda j: (j.due_at, j.id))[:limit]
        ]
        for job in claimed:
            self.t.jobs[job.id] = job
        return claimed

    async def mark(self, job_id: int, state: JobState) -> None:
        self.t.jobs[job_id] = replace(self.t.jobs[job_id], state=state, claimed_until=None)

    async def coming(
        self, kind: JobKind, now: datetime, until: datetime, limit: int
    ) -> Sequence[Job]:
        found = [
            j
            for j in self.t.jobs.values()
            if j.state is JobState.PENDING
            and j.kind is kind
            and now < j.due_at <= until
            and (j.claimed_until is None or j.claimed_until <= now)
        ]
        return sorted(found, key=lambda j: (j.due_at, j.id))[:limit]

    async def claim(
        self, job_ids: Collection[int], now: datetime, lease_until: datetime
    ) -> Sequence[Job]:
        claimed: list[Job] = []
        for job_id in job_ids:
            job = self.t.jobs.get(job_id)
            if job is None or job.state is not JobState.PENDING:
                continue
            if job.claimed_until is not None and job.claimed_until > now:
                continue
            claimed.append(replace(job, claimed_until=lease_until))
            self.t.jobs[job_id] = claimed[-1]
        return sorted(claimed, key=lambda j: (j.due_at, j.id))

    async def mark_many(self, job_ids: Collection[int], state: JobState) -> None:
        missing = [i for i in job_ids if i not in self.t.jobs]
        if missing:
            raise KeyError(missing[0])
        for job_id in job_ids:
            await self.mark(job_id, state)

    async def cancel_many(self, keys: Collection[str]) -> None:
        for key in set(keys):
            await self.cancel(key)

    async def pending_for_sessions(self, session_ids: Collection[int]) -> Sequence[Job]:
        wanted = set(session_ids)
        found = [
            j
            for j in self.t.jobs.values()
            if j.session_id in wanted and j.state is JobState.PENDING
        ]
        return sorted(found, key=lambda j: (j.due_at, j.id))

    async def note_applied(self, job_id: int) -> None:
        job = self.t.jobs[job_id]
        self.t.jobs[job_id] = replace(job, payload={**job.payload, "applied": "1"})

    async def release_claims(self) -> None:
        for job in list(self.t.jobs.values()):
            if job.claimed_until is not None:
                self.t.jobs[job.id] = replace(job, claimed_until=None)

    async def pending_for_session(self, session_id: int) -> Sequence[Job]:
        found = [
            j
            for j in self.t.jobs.values()
            if j.session_id == session_id and j.state is JobState.PENDING
        ]
        return sorted(found, key=lambda j: (j.due_at, j.id))

    async def next_due(self) -> datetime | None:
        pending = [
            max(j.due_at, j.claimed_until or j.due_at)
            for j in self.t.jobs.values()
            if j.state is JobState.PENDING
        ]
        return min(pending, default=None)

    async def list(self, group_id: int) -> Sequence[Job]:
        return sorted(
            (j for j in self.t.jobs.values() if j.group_id == group_id), key=lambda j: j.id
        )


class _PlatformState(_Repo):
    async def get(self, platform: str, key: str) -> str | None:
        return self.t.platform_state.get((platform, key))

    async def put(self, platform: str, key: str, value: str) -> None:
        self.t.platform_state[(platform, key)] = value

    async def delete(self, platform: str, key: str) -> None:
        self.t.platform_state.pop((platform, key), None)

    async def with_prefix(self, platform: str, prefix: str) -> Mapping[str, str]:
        return {
            key: value
            for (where, key), value in sorted(self.t.platform_state.items())
            if where == platform and key.startswith(prefix)
        }


class _Themes(_Repo):
    async def add(self, theme: Theme) -> Theme:
        stored = replace(theme, id=self.t.new_id())
        self.t.themes[stored.id] = stored
        return stored

    async def get(self, group_id: int, theme_id: int) -> Theme | None:
        theme = self.t.themes.get(theme_id)
        return theme if theme is not None and theme.group_id == group_id else None

    async def update(self, theme: Theme) -> None:
        self.t.themes[theme.id] = theme

    async def ranked(self, group_id: int, user_id: str) -> Sequence[RankedTheme]:
        ranked = [
            RankedTheme(
                theme,
                sum(1 for (t, _) in self.t.votes if t == theme.id),
                (theme.id, user_id) in self.t.votes,
            )
            for theme in self.t.themes.values()
            if theme.group_id == group_id
        ]
        return sorted(ranked, key=lambda r: (-r.votes, r.theme.created_at, r.theme.id))

    async def vote(self, vote: ThemeVote) -> bool:
        key = (vote.theme_id, vote.user_id)
        if key in self.t.votes:
            return False
        self.t.votes[key] = vote
        return True

    async def unvote(self, theme_id: int, user_id: str) -> bool:
        return self.t.votes.pop((theme_id, user_id), None) is not None


class _Journal(_Repo):
    async def add(self, entry: JournalEntry) -> JournalEntry:
        numbers = [
            e.number
            for e in self.t.journal.values()
            if (e.platform, e.user_id) == (entry.platform, entry.user_id)
        ]
        stored = replace(entry, id=self.t.new_id(), number=max(numbers, default=0) + 1)
        self.t.journal[stored.id] = stored
        return stored

    async def list(self, platform: str, user_id: str) -> Sequence[JournalEntry]:
        found = [
            e for e in self.t.journal.values() if (e.platform, e.user_id) == (platform, user_id)
        ]
        return sorted(found, key=lambda e: e.number)

    async def delete(self, platform: str, user_id: str, number: int | None) -> int:
        doomed = [
            e.id for e in await self.list(platform, user_id) if number is None or e.number == number
        ]
        for entry_id in doomed:
            del self.t.journal[entry_id]
        return len(doomed)


class _PersonalData(_Repo):
    def _groups(self, platform: str, user_id: str) -> list[Group]:
        return [
            g
            for g in self.t.groups.values()
            if g.platform == platform and (g.id, user_id) in self.t.members
        ]

    def _platform_sessions(self, platform: str) -> dict[int, int]:
        """Session id → group id, for every session of the platform's groups."""
        groups = {g.id for g in self.t.groups.values() if g.platform == platform}
        return {s.id: s.group_id for s in self.t.sessions.values() if s.group_id in groups}

    async def collect(self, platform: str, user_id: str) -> PersonalRecord:
        groups = {g.id for g in self.t.groups.values() if g.platform == platform}
        sessions = self._platform_sessions(platform)
        return PersonalRecord(
            memberships=[
                (g, self.t.members[(g.id, user_id)]) for g in self._groups(platform, user_id)
            ],
            themes=[
                t for t in self.t.themes.values() if t.group_id in groups and t.author_id == user_id
            ],
            votes=[
                (v, self.t.themes[v.theme_id])
                for v in self.t.votes.values()
                if v.user_id == user_id and self.t.themes[v.theme_id].group_id in groups
            ],
            turns=[
                (sessions[t.session_id], t)
                for t in self.t.turns
                if t.user_id == user_id and t.session_id in sessions
            ],
            pauses=[
                (sessions[p.session_id], p)
                for p in self.t.pauses.values()
                if p.requested_by == user_id and p.session_id in sessions
            ],
            places=[
                (sessions[s.session_id], s)
                for s in self.t.sticks.values()
                if s.session_id in sessions
                and self.t.sessions[s.session_id].is_active
                and s.mentions(user_id)
            ],
            journal=await _Journal(self._uow).list(platform, user_id),
            attendance=[
                (sessions[a.session_id], a)
                for (_, who), a in sorted(self.t.attendance.items())
                if who == user_id and a.session_id in sessions
            ],
        )

    async def erase(self, platform: str, user_id: str) -> None:
        groups = {g.id for g in self.t.groups.values() if g.platform == platform}
        sessions = self._platform_sessions(platform)
        for group_id in groups:
            self.t.members.pop((group_id, user_id), None)
        for session_id, stick in list(self.t.sticks.items()):
            if session_id in sessions and stick.mentions(user_id):
                self.t.sticks[session_id] = without(stick, user_id)
        self.t.turns = [
            t for t in self.t.turns if not (t.user_id == user_id and t.session_id in sessions)
        ]
        for pause in list(self.t.pauses.values()):
            if pause.requested_by == user_id and pause.session_id in sessions:
                del self.t.pauses[pause.id]
        for key in [k for k in self.t.votes if k[1] == user_id]:
            if self.t.themes[key[0]].group_id in groups:
                del self.t.votes[key]
        for theme in list(self.t.themes.values()):
            if theme.group_id in groups and theme.author_id == user_id:
                kept = theme.session_id is not None or any(t == theme.id for (t, _) in self.t.votes)
                if kept:
                    self.t.themes[theme.id] = replace(theme, author_id=None)
                else:
                    del self.t.themes[theme.id]
        await _Journal(self._uow).delete(platform, user_id, None)
        for key in [k for k in self.t.attendance if k[1] == user_id and k[0] in sessions]:
            del self.t.attendance[key]
        for job in list(self.t.jobs.values()):
            if (
                job.group_id in groups
                and job.kind in PERSONAL_JOBS
                and user_id
                in (
                    job.payload.get("holder"),
                    job.payload.get("user"),
                )
            ):
                del self.t.jobs[job.id]


def _answered(item: Attendance) -> tuple[datetime, str]:
    return (item.answered_at, item.user_id)


class _Attendance(_Repo):
    async def of_session(self, session_id: int) -> Sequence[Attendance]:
        found = [a for (s, _), a in self.t.attendance.items() if s == session_id]
        return sorted(found, key=_answered)

    async def of_sessions(self, session_ids: Collection[int]) -> Mapping[int, Sequence[Attendance]]:
        found: dict[int, list[Attendance]] = {}
        for session_id in sorted(set(session_ids)):
            answers = await self.of_session(session_id)
            if answers:
                found[session_id] = list(answers)
        return found

    async def save(self, attendance: Attendance) -> None:
        if attendance.session_id not in self.t.sessions:
            raise KeyError(attendance.session_id)  # as the foreign key would refuse it
        self.t.attendance[(attendance.session_id, attendance.user_id)] = attendance

    async def clear(self, session_id: int) -> None:
        for key in [k for k in self.t.attendance if k[0] == session_id]:
            del self.t.attendance[key]


class _Handled(_Repo):
    async def first_time(self, platform: str, event_id: str, at: datetime) -> bool:
        if (platform, event_id) in self.t.handled:
            return False
        self.t.handled[(platform, event_id)] = at
        return True

    async def forget_before(self, before: datetime) -> None:
        for key, at in list(self.t.handled.items()):
            if at < before:
                del self.t.handled[key]


class InMemoryUnitOfWork:
    """Works on a private copy of the store; ``commit`` publishes it, anything else drops it."""

    groups: GroupRepository
    members: MemberRepository
    sessions: SessionRepository
    series: SeriesRepository
    sticks: StickRepository
    pauses: PauseRepository
    jobs: JobRepository
    platform_state: PlatformStateRepository
    handled: HandledEventRepository
    themes: ThemeRepository
    journal: JournalRepository
    personal_data: PersonalDataRepository
    attendance: AttendanceRepository

    def __init__(self, store: InMemoryStore) -> None:
        self._store = store
        self.working = _Tables()
        self.groups = _Groups(self)
        self.members = _Members(self)
        self.sessions = _Sessions(self)
        self.series = _Series(self)
        self.sticks = _Sticks(self)
        self.pauses = _Pauses(self)
        self.jobs = _Jobs(self)
        self.platform_state = _PlatformState(self)
        self.handled = _Handled(self)
        self.themes = _Themes(self)
        self.journal = _Journal(self)
        self.personal_data = _PersonalData(self)
        self.attendance = _Attendance(self)

    async def __aenter__(self) -> Self:
        self.working = copy.deepcopy(self._store.tables)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.rollback()

    async def commit(self) -> None:
        self._store.tables = copy.deepcopy(self.working)
        self._store.commits += 1

    async def rollback(self) -> None:
        self.working = copy.deepcopy(self._store.tables)


class RecordingMessenger:
    """Keeps every outgoing reply; a repeated idempotency key is recorded once, as a platform
    with idempotent sends would post it once."""

    def __init__(self) -> None:
        self.sent: list[Outgoing] = []
        self._keys: set[str] = set()

    async def send(self, outgoing: Outgoing) -> None:
        if outgoing.idempotency_key in self._keys:
            return
        self._keys.add(outgoing.idempotency_key)
        self.sent.append(outgoing)
