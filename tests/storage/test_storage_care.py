"""The care features' repositories (themes, journal, one person's data) on every backend, and
what only the real databases can show: journal notes are stored encrypted."""

from __future__ import annotations

import os
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.domain import JobKind, JournalEntry, PauseRequest, SpeakingTurn, Stick, Theme, ThemeVote
from bot.domain.stick import RoundKind
from bot.errors import NotesUnreadable
from bot.ports import UnitOfWorkFactory
from storage.journal_crypto import KEY_VARIABLE, JournalCipher, JournalKeyError, load_cipher
from tests.storage.conftest import Backend, query, stored_pauses
from tests.storage.samples import (
    T0,
    at,
    group,
    job,
    member,
    scheduled,
    seed_group,
    seed_session,
)


def theme(group_id: int, author: str | None, words: str, minute: float = 0) -> Theme:
    return Theme(0, group_id, author, words, at(minute))


def note(
    user: str, words: str, group_id: int | None = None, platform: str = "matrix"
) -> JournalEntry:
    return JournalEntry(0, platform, user, 0, group_id, words, T0)


# --- themes -------------------------------------------------------------------------------


async def test_themes_are_ranked_by_votes_then_age(store: UnitOfWorkFactory) -> None:
    g = await seed_group(store)
    other = await seed_group(store, "!other:example.org")
    async with store() as uow:
        old = await uow.themes.add(theme(g.id, "@ann:x", "Anger", 0))
        new = await uow.themes.add(theme(g.id, "@bob:x", "Hope", 5))
        elsewhere = await uow.themes.add(theme(other.id, "@bob:x", "Elsewhere"))
        assert await uow.themes.vote(ThemeVote(new.id, "@cat:x", at(6)))
        assert not await uow.themes.vote(ThemeVote(new.id, "@cat:x", at(7)))
        await uow.commit()
    assert old.id > 0 and len({old.id, new.id, elsewhere.id}) == 3
    async with store() as uow:
        ranked = await uow.themes.ranked(g.id, "@cat:x")
        assert [(r.theme, r.votes, r.voted) for r in ranked] == [(new, 1, True), (old, 0, False)]
        assert [r.voted for r in await uow.themes.ranked(g.id, "@ann:x")] == [False, False]
        assert await uow.themes.get(g.id, new.id) == new
        assert await uow.themes.get(other.id, new.id) is None
        assert await uow.themes.unvote(new.id, "@cat:x")
        assert not await uow.themes.unvote(new.id, "@cat:x")
        session = await uow.sessions.add(scheduled(g.id))
        await uow.themes.update(replace(old, session_id=session.id))
        await uow.commit()
    async with store() as uow:
        assert (await uow.themes.get(g.id, old.id)) == replace(old, session_id=session.id)
        assert [r.votes for r in await uow.themes.ranked(g.id, "@cat:x")] == [0, 0]


# --- journal ------------------------------------------------------------------------------


async def test_journal_notes_are_numbered_per_person_and_platform(store: UnitOfWorkFactory) -> None:
    g = await seed_group(store)
    async with store() as uow:
        first = await uow.journal.add(note("@ann:x", "first", g.id))
        await uow.journal.add(note("@bob:x", "bob's"))
        second = await uow.journal.add(note("@ann:x", "second — é ✓ 🌙"))
        on_discord = await uow.journal.add(note("@ann:x", "elsewhere", platform="discord"))
        await uow.commit()
    assert (first.number, second.number, on_discord.number) == (1, 2, 1)
    async with store() as uow:
        notes = await uow.journal.list("matrix", "@ann:x")
        assert [(n.number, n.text, n.group_id) for n in notes] == [
            (1, "first", g.id),
            (2, "second — é ✓ 🌙", None),
        ]
        assert notes[0] == first
        assert await uow.journal.delete("matrix", "@ann:x", 1) == 1
        assert await uow.journal.delete("matrix", "@ann:x", 1) == 0
        third = await uow.journal.add(note("@ann:x", "third"))
        assert third.number == 3
        assert await uow.journal.delete("matrix", "@ann:x", None) == 2
        await uow.commit()
    async with store() as uow:
        assert await uow.journal.list("matrix", "@ann:x") == []
        assert [n.text for n in await uow.journal.list("matrix", "@bob:x")] == ["bob's"]
        assert [n.text for n in await uow.journal.list("discord", "@ann:x")] == ["elsewhere"]


async def test_the_database_never_holds_a_note_in_clear(sql_backend: Backend) -> None:
    secret = "the words I could not say SECRET-7"
    async with sql_backend.store() as uow:
        await uow.journal.add(note("@ann:x", secret))
        await uow.commit()
    assert sql_backend.engine is not None
    rows = await query(sql_backend.engine, "SELECT * FROM journal_entries")
    assert len(rows) == 1
    assert "SECRET" not in repr(rows)
    async with sql_backend.store() as uow:
        assert [n.text for n in await uow.journal.list("matrix", "@ann:x")] == [secret]


async def test_a_store_without_a_key_refuses_the_journal(sqlite_backend: Backend) -> None:
    from storage import SqlStore

    assert sqlite_backend.engine is not None
    keyless = SqlStore(sqlite_backend.engine)
    async with keyless() as uow:
        with pytest.raises(RuntimeError, match="journal key"):
            await uow.journal.add(note("@ann:x", "words"))


async def test_notes_written_with_another_key_cannot_be_read(sqlite_backend: Backend) -> None:
    from storage import SqlStore

    assert sqlite_backend.engine is not None
    async with sqlite_backend.store() as uow:
        await uow.journal.add(note("@ann:x", "words"))
        await uow.commit()
    async with SqlStore(sqlite_backend.engine, JournalCipher.generate())() as uow:
        with pytest.raises(NotesUnreadable) as raised:
            await uow.journal.list("matrix", "@ann:x")
    assert raised.value.count == 1


# --- one person's data --------------------------------------------------------------------


async def test_collect_and_erase_everything_about_one_person(backend: Backend) -> None:
    store = backend.store
    g = await seed_group(store)
    other = await seed_group(store, "!other:example.org")
    async with store() as uow:
        elsewhere = await uow.groups.add(group("!room:example.org", platform="discord"))
        await uow.commit()
    session = await seed_session(store, g.id)
    ann, bob = "@ann:x", "@bob:x"
    async with store() as uow:
        for where in (g.id, other.id, elsewhere.id):
            await uow.members.add(member(where, ann))
            await uow.members.add(member(where, bob))
        await uow.sticks.save(
            Stick(session.id, holder=bob, holder_since=T0, queue=(ann,), hands_raised=(ann, bob))
        )
        await uow.sticks.add_turn(SpeakingTurn(session.id, ann, T0, at(3)))
        await uow.sticks.add_turn(SpeakingTurn(session.id, bob, at(3), at(5)))
        await uow.sticks.add_turn(SpeakingTurn(session.id, ann, at(5), at(6), RoundKind.CLOSING))
        await uow.pauses.add(PauseRequest(0, session.id, ann, at(4)))
        await uow.pauses.add(PauseRequest(0, session.id, None, at(4)))
        voted = await uow.themes.add(theme(g.id, ann, "voted by bob"))
        await uow.themes.add(theme(g.id, ann, "nobody voted"))
        picked = await uow.themes.add(theme(other.id, ann, "picked", 1))
        await uow.themes.update(replace(picked, session_id=session.id))
        bobs = await uow.themes.add(theme(g.id, bob, "bob's"))
        await uow.themes.vote(ThemeVote(voted.id, bob, T0))
        await uow.themes.vote(ThemeVote(voted.id, ann, T0))
        await uow.themes.vote(ThemeVote(bobs.id, ann, T0))
        await uow.journal.add(note(ann, "mine", g.id))
        await uow.journal.add(note(ann, "on discord", platform="discord"))
        nudge = replace(
            job(g.id, f"nudge:{session.id}:{ann}:x", 5, session.id),
            payload={"holder": ann, "since": T0.isoformat()},
        )
        await uow.jobs.schedule(nudge)
        await uow.jobs.schedule(job(g.id, "kept", 6, session.id))
        await uow.commit()

    async with store() as uow:
        record = await uow.personal_data.collect("matrix", ann)
    assert sorted(g_.room_id for g_, _ in record.memberships) == [
        "!other:example.org",
        "!room:example.org",
    ]
    assert all(m.user_id == ann for _, m in record.memberships)
    assert sorted(t.text for t in record.themes) == ["nobody voted", "picked", "voted by bob"]
    assert sorted(t.text for _, t in record.votes) == ["bob's", "voted by bob"]
    assert [(gid, t.ended_at, t.round) for gid, t in record.turns] == [
        (g.id, at(3), None),
        (g.id, at(6), RoundKind.CLOSING),
    ]
    assert [(gid, p.requested_by) for gid, p in record.pauses] == [(g.id, ann)]
    assert [(gid, s.queue) for gid, s in record.places] == [(g.id, (ann,))]
    assert [n.text for n in record.journal] == ["mine"]

    async with store() as uow:
        await uow.personal_data.erase("matrix", ann)
        await uow.commit()
    async with store() as uow:
        assert await uow.members.get(g.id, ann) is None
        assert await uow.members.get(other.id, ann) is None
        assert await uow.members.get(elsewhere.id, ann) is not None  # another platform
        assert await uow.members.get(g.id, bob) is not None
        kept = await uow.sticks.get(session.id)
        assert kept is not None and kept.holder == bob and kept.queue == ()
        assert kept.hands_raised == (bob,)
        assert [t.user_id for t in await uow.sticks.turns(session.id)] == [bob]
    assert [p.requested_by for p in await stored_pauses(backend, session.id)] == [None]
    async with store() as uow:
        themes_left = {r.theme.text: r for r in await uow.themes.ranked(g.id, bob)}
        assert set(themes_left) == {"voted by bob", "bob's"}
        assert themes_left["voted by bob"].theme.author_id is None
        assert themes_left["voted by bob"].votes == 1 and themes_left["bob's"].votes == 0
        [picked_left] = await uow.themes.ranked(other.id, bob)
        assert picked_left.theme.author_id is None
        assert await uow.journal.list("matrix", ann) == []
        assert [n.text for n in await uow.journal.list("discord", ann)] == ["on discord"]
        jobs_left = await uow.jobs.list(g.id)
        assert [j.key for j in jobs_left] == ["kept"]
        assert all(j.kind is JobKind.TURN_NUDGE for j in jobs_left)
        again = await uow.personal_data.collect("matrix", ann)
    assert again.memberships == [] and again.themes == [] and again.votes == []
    assert again.turns == [] and again.pauses == [] and again.places == []
    assert again.journal == []


async def test_erase_after_a_held_stick_leaves_nobody_holding_it(store: UnitOfWorkFactory) -> None:
    g = await seed_group(store)
    session = await seed_session(store, g.id)
    async with store() as uow:
        await uow.members.add(member(g.id, "@ann:x"))
        await uow.sticks.save(Stick(session.id, holder="@ann:x", holder_since=T0, queue=()))
        await uow.personal_data.erase("matrix", "@ann:x")
        await uow.commit()
    async with store() as uow:
        kept = await uow.sticks.get(session.id)
    assert kept is not None and kept.holder is None and kept.holder_since is None


async def test_a_hand_raised_once_is_collected_and_erased(store: UnitOfWorkFactory) -> None:
    """Out of the line, a hand raised earlier in the session is still about that person."""
    g = await seed_group(store)
    session = await seed_session(store, g.id)
    stick = Stick(session.id, holder="@bob:x", holder_since=T0, hands_raised=("@ann:x", "@bob:x"))
    async with store() as uow:
        await uow.members.add(member(g.id, "@ann:x"))
        await uow.sticks.save(stick)
        await uow.commit()
    async with store() as uow:
        record = await uow.personal_data.collect("matrix", "@ann:x")
        assert [(gid, s.hands_raised) for gid, s in record.places] == [(g.id, ("@ann:x", "@bob:x"))]
        await uow.personal_data.erase("matrix", "@ann:x")
        await uow.commit()
    async with store() as uow:
        kept = await uow.sticks.get(session.id)
        assert kept is not None and kept.hands_raised == ("@bob:x",) and kept.holder == "@bob:x"
        assert (await uow.personal_data.collect("matrix", "@ann:x")).places == []


# --- the journal key ----------------------------------------------------------------------


def test_the_key_file_is_created_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "cercle.db.journal-key"
    first = load_cipher(path, environ={})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    token = first.encrypt("words")
    assert load_cipher(path, environ={}).decrypt(token) == "words"


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "key"
    load_cipher(path, environ={})
    os.chmod(path, 0o644)
    with pytest.raises(JournalKeyError, match="chmod 600"):
        load_cipher(path, environ={})


def test_the_environment_key_wins_and_must_be_well_formed(tmp_path: Path) -> None:
    token = JournalCipher.generate().encrypt("words")
    raw = Fernet.generate_key().decode()
    from_env = load_cipher(tmp_path / "unused", environ={KEY_VARIABLE: raw})
    assert not (tmp_path / "unused").exists()
    assert from_env.decrypt(from_env.encrypt("x")) == "x"
    with pytest.raises(JournalKeyError):
        from_env.decrypt(token)
    with pytest.raises(JournalKeyError, match="32 url-safe"):
        load_cipher(tmp_path / "unused", environ={KEY_VARIABLE: "not a key"})


# --- events already handled ---------------------------------------------------------------


async def test_an_event_is_recorded_once_per_platform(store: UnitOfWorkFactory) -> None:
    async with store() as uow:
        assert await uow.handled.first_time("matrix", "$a", T0)
        assert not await uow.handled.first_time("matrix", "$a", at(1))
        assert await uow.handled.first_time("discord", "$a", T0)
        await uow.commit()
    async with store() as uow:
        assert not await uow.handled.first_time("matrix", "$a", at(2))
        assert await uow.handled.first_time("matrix", "$b", at(10))
        # not committed: forgotten with the transaction
    async with store() as uow:
        await uow.handled.forget_before(at(5))
        await uow.commit()
    async with store() as uow:
        assert await uow.handled.first_time("matrix", "$a", at(20))
        assert await uow.handled.first_time("matrix", "$b", at(20))
