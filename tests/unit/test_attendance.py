"""Attendance (``rsvp``, ``session attendance``, ``group set capacity``), on the fake clock: private
answers, the next session by default, a kind waiting list, freed places given once, reminders
that skip those who will not come."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain import Answer, SessionState
from bot.handlers.attendance import ANSWER_NAMES, RSVP_WORDS, answer_line
from bot.registry import REGISTRY
from bot.replies import Audience
from tests.fakes import InMemoryStore
from tests.unit.harness import Harness

PARIS = ZoneInfo("Europe/Paris")
MEMBERS = ("ann", "bob", "cat", "dan")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS).astimezone(UTC)  # type: ignore[misc]


async def ready(language: str = "en", *, sessions: int = 2) -> tuple[Harness, InMemoryStore]:
    """A group with a moderator, four members and ``sessions`` sessions a week apart."""
    store = InMemoryStore()
    h = Harness(store=store, language=language)
    h.clock.set(paris(2026, 11, 30, 10, 0))
    for who in ("mod", *MEMBERS):
        await h.ok(who, "agree")
    for day in range(sessions):
        await h.ok("mod", f"session schedule 2026-12-{1 + 7 * day:02d} 19:30")
    return h, store


def ids(store: InMemoryStore) -> list[int]:
    return sorted(store.tables.sessions)


def answers(store: InMemoryStore, session_id: int) -> dict[str, tuple[str, bool]]:
    return {
        user: (a.answer.value, a.waiting)
        for (s, user), a in store.tables.attendance.items()
        if s == session_id
    }


async def test_default_is_the_next_scheduled_session_and_the_reply_is_private() -> None:
    h, store = await ready()
    first, second = ids(store)
    said = await h.ok("ann", "rsvp yes")
    assert answers(store, first) == {"ann": ("yes", False)}
    assert answers(store, second) == {}
    assert said.room == []
    assert said.private("ann")[0] == (
        "✓ Noted: you are coming to the session on Tuesday 1 December 2026 at 19:30. Only the "
        "moderators see your answer, and you can change it whenever you like."
    )
    # Typed where the room could see it: told once, gently, that it can be typed privately.
    assert said.keys[-1] == "privacy.seen_by_room"
    said = await h.ok("ann", f"rsvp maybe {second}", private=True)
    assert answers(store, second) == {"ann": ("maybe", False)}
    assert said.keys == ["attendance.maybe"]


async def test_default_skips_an_open_session_and_nothing_planned_is_a_clear_error() -> None:
    h, store = await ready(sessions=0)
    said = await h.say("ann", "rsvp yes")
    assert said.errors == ["error.attendance_no_session"]
    await h.ok("mod", "session start")
    await h.ok("mod", "session schedule 2026-12-08 19:30")
    await h.ok("ann", "rsvp no")
    (planned,) = [s for s in store.tables.sessions.values() if s.state is SessionState.SCHEDULED]
    assert answers(store, planned.id) == {"ann": ("no", False)}


async def test_french_words_and_an_answer_changed_overwrites_the_previous_one() -> None:
    h, store = await ready("fr")
    first = ids(store)[0]
    await h.ok("ann", "présence oui")
    said = await h.ok("ann", "présence peut-être", private=True)
    assert answers(store, first) == {"ann": ("maybe", False)}
    assert said.private("ann") == [
        "C'est noté : peut-être pour la séance du mardi 1er décembre 2026 à 19 h 30. Rien ne "
        "presse, vous pourrez répondre oui ou non plus tard. Seule l'équipe d'animation voit "
        "votre réponse."
    ]
    await h.ok("ann", "présence non", private=True)
    assert answers(store, first) == {"ann": ("no", False)}
    assert len(store.tables.attendance) == 1


async def test_capacity_waiting_list_and_the_place_given_to_the_first_waiting_once() -> None:
    h, store = await ready()
    first = ids(store)[0]
    said = await h.ok("mod", "group set capacity 2")
    assert said.room == ["⚙️ Updated: places per session → 2"]
    await h.ok("ann", "rsvp yes", private=True)
    h.clock.advance(timedelta(minutes=1))
    await h.ok("bob", "rsvp yes", private=True)
    h.clock.advance(timedelta(minutes=1))
    said = await h.ok("cat", "rsvp yes", private=True)
    assert said.keys == ["attendance.waiting"]
    assert "is full (2 places). You are #1 on the waiting list" in said.private("cat")[0]
    h.clock.advance(timedelta(minutes=1))
    said = await h.ok("dan", "rsvp yes", private=True)
    assert "You are #2 on the waiting list" in said.private("dan")[0]
    # Saying yes again keeps one's place in line (and the line's order).
    h.clock.advance(timedelta(minutes=1))
    said = await h.ok("cat", "rsvp yes", private=True)
    assert "You are #1 on the waiting list" in said.private("cat")[0]
    # Bob can no longer come: his place goes to Cat, the first waiting, privately.
    said = await h.ok("bob", "rsvp no", private=True)
    assert said.room == []
    assert said.keys == ["attendance.no", "attendance.place_given"]
    assert said.private("cat") == [
        "🌱 A place freed up for the session of “room-1” on Tuesday 1 December 2026 at 19:30: it "
        f"is yours, and you are down as coming. To get there: room-1. If you can no longer come, "
        f"“rsvp no {first}” leaves it to the next person."
    ]
    assert said.private("dan") == []
    assert answers(store, first) == {
        "ann": ("yes", False),
        "bob": ("no", False),
        "cat": ("yes", False),
        "dan": ("yes", True),
    }
    # Given once: Bob changing his mind again frees nothing, and he waits behind Dan.
    said = await h.ok("bob", "rsvp maybe", private=True)
    assert said.keys == ["attendance.maybe"]
    said = await h.ok("bob", "rsvp yes", private=True)
    assert "You are #2 on the waiting list" in said.private("bob")[0]
    # Ann says maybe: Dan (first in line) gets her place, Bob moves up.
    said = await h.ok("ann", "rsvp maybe", private=True)
    assert said.keys == ["attendance.maybe", "attendance.place_given"]
    assert [o.reply.user_id for o in said.outgoing][1] == "dan"
    assert answers(store, first)["bob"] == ("yes", True)


async def test_a_larger_capacity_or_none_gives_places_to_those_waiting() -> None:
    h, store = await ready()
    first = ids(store)[0]
    await h.ok("mod", "group set capacity 1")
    for who in ("ann", "bob", "cat"):
        await h.ok(who, "rsvp yes", private=True)
        h.clock.advance(timedelta(minutes=1))
    said = await h.ok("mod", "group set capacity 2")
    assert [o.reply.user_id for o in said.outgoing if o.reply.key == "attendance.place_given"] == [
        "bob"
    ]
    # Lowered below those coming: nobody loses a place already given.
    await h.ok("mod", "group set capacity 1")
    assert answers(store, first) == {
        "ann": ("yes", False),
        "bob": ("yes", False),
        "cat": ("yes", True),
    }
    said = await h.ok("mod", "group set capacity off")
    assert said.room[0] == "⚙️ Updated: places per session → no limit"
    assert [o.reply.user_id for o in said.outgoing if o.reply.key == "attendance.place_given"] == [
        "cat"
    ]


async def test_forget_me_frees_the_place_for_the_first_waiting() -> None:
    h, store = await ready()
    first = ids(store)[0]
    await h.ok("mod", "group set capacity 1")
    await h.ok("ann", "rsvp yes", private=True)
    h.clock.advance(timedelta(minutes=1))
    await h.ok("bob", "rsvp yes", private=True)
    said = await h.ok("ann", "forget-me confirm", private=True)
    assert "attendance.place_given" in said.keys
    assert answers(store, first) == {"bob": ("yes", False)}


async def test_private_reminders_skip_those_who_said_no_for_that_session() -> None:
    h, store = await ready()
    first, second = ids(store)
    for who in ("ann", "bob", "cat"):
        await h.ok(who, "remind on")
    await h.ok("ann", "rsvp no", private=True)
    await h.ok("bob", "rsvp maybe", private=True)
    said = await h.advance(paris(2026, 11, 30, 19, 30) - h.clock.now())
    reminded = {o.reply.user_id for o in said.outgoing if o.reply.key == "reminder.private"}
    assert reminded == {"bob", "cat"}
    # The room reminder offers the three answers, for this session.
    (room,) = [o for o in said.outgoing if o.reply.audience is Audience.ROOM]
    assert [(c.emoji, c.command) for c in room.reply.choices] == [
        ("✅", f"rsvp yes {first}"),
        ("❔", f"rsvp maybe {first}"),
        ("❌", f"rsvp no {first}"),
    ]
    assert [c.label for c in room.reply.choices] == ["I'm coming", "Maybe", "I can't come"]
    # A "no" for one session says nothing about the next one.
    said = await h.advance(paris(2026, 12, 7, 19, 30) - h.clock.now())
    reminded = {
        o.reply.user_id
        for o in said.outgoing
        if o.reply.key == "reminder.private"
        and o.reply.params["when"] == paris(2026, 12, 8, 19, 30)
    }
    assert reminded == {"ann", "bob", "cat"}
    assert second in store.tables.sessions


async def test_a_tap_on_the_reminder_is_the_same_command() -> None:
    h, store = await ready("fr")
    await h.ok("ann", "rappels on")
    said = await h.advance(paris(2026, 11, 30, 19, 30) - h.clock.now())
    (room,) = [o for o in said.outgoing if o.reply.audience is Audience.ROOM]
    assert [c.label for c in room.reply.choices] == ["Je viens", "Peut-être", "Je ne viens pas"]
    no = room.reply.choices[2].command
    assert no == f"présence non {ids(store)[0]}"
    said = await h.ok("ann", no, private=True)
    assert said.keys == ["attendance.no"]
    said = await h.advance(timedelta(hours=23, minutes=45))
    assert "reminder.room" in said.keys
    assert "reminder.private" not in said.keys


async def test_a_member_never_sees_another_members_answer() -> None:
    h, store = await ready()
    first = ids(store)[0]
    await h.ok("mod", "group set capacity 1")
    await h.ok("ann", "rsvp yes")  # even typed in the room
    await h.ok("bob", "rsvp yes", private=True)
    await h.ok("cat", "rsvp no", private=True)
    # Nothing of it reached the room or anyone else.
    refused = await h.say("bob", "session attendance")
    assert refused.errors == ["error.moderators_only"]
    assert all("Ann" not in text and "Cat" not in text for text in refused.private("bob"))
    said = await h.ok("bob", "rsvp yes", private=True)
    assert [o.reply.user_id for o in said.outgoing] == ["bob"]
    assert all("Ann" not in text for text in said.private("bob"))
    mine = await h.ok("bob", "my-data", private=True)
    (export,) = [o.reply.attachment for o in mine.outgoing if o.reply.attachment is not None]
    data = json.loads(export.data)
    assert data["attendance"] == [
        {
            "group": "room-1",
            "session": first,
            "answer": "yes",
            "waiting_list": True,
            "answered_at": data["attendance"][0]["answered_at"],
        }
    ]
    assert "ann" not in export.data.decode() and "cat" not in export.data.decode()


async def test_moderators_see_counts_and_names_privately() -> None:
    h, store = await ready()
    first, second = ids(store)
    said = await h.ok("mod", "session attendance")
    assert said.private("mod") == [
        f"Nobody has answered yet for session #{first} on Tuesday 1 December 2026 at 19:30."
    ]
    await h.ok("mod", "group set capacity 2")
    for who, answer in (("ann", "yes"), ("bob", "maybe"), ("cat", "yes"), ("dan", "yes")):
        await h.ok(who, f"rsvp {answer}", private=True)
        h.clock.advance(timedelta(minutes=1))
    said = await h.ok("mod", "session attendance")
    assert said.room == []
    assert said.private("mod") == [
        f"📅 Attendance for session #{first} on Tuesday 1 December 2026 at 19:30 (2 places):\n"
        "coming (2): Ann and Cat\nmaybe (1): Bob\nnot coming (0): nobody\n"
        "waiting list (1): Dan\n"
        "Only the moderators, and each person for their own answer, see these answers."
    ]
    said = await h.ok("mod", f"session attendance {second}")
    assert said.keys == ["attendance.summary_empty"]


async def test_a_cancelled_sessions_answers_are_erased_and_a_moved_one_keeps_them() -> None:
    h, store = await ready()
    first, second = ids(store)
    await h.ok("ann", f"rsvp yes {first}", private=True)
    await h.ok("bob", f"rsvp no {second}", private=True)
    await h.ok("mod", f"session cancel {first}")
    assert answers(store, first) == {}
    refused = await h.say("mod", f"session attendance {first}")
    assert refused.errors == ["error.attendance_cancelled"]
    said = await h.ok("mod", "session attendance")  # now the next one is the second
    assert "not coming (1): Bob" in said.private("mod")[0]
    assert "Ann" not in said.private("mod")[0]
    # A session keeps its id when moved: its answers stay with it.
    session = store.tables.sessions[second]
    store.tables.sessions[second] = type(session)(
        **{
            **{f: getattr(session, f) for f in session.__slots__},
            "planned_start": session.planned_start + timedelta(days=2),
        }
    )
    said = await h.ok("mod", f"session attendance {second}")
    assert "Thursday 10 December" in said.private("mod")[0]
    assert "not coming (1): Bob" in said.private("mod")[0]


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("rsvp", "error.missing_argument"),
        ("rsvp perhaps", "error.bad_choice"),
        ("rsvp yes 99999", "error.session_not_found"),
        ("rsvp yes 0", "error.session_not_found"),
        ("rsvp yes soon", "error.bad_int"),
        ("rsvp yes 2 3", "error.too_many_arguments"),
        ("session attendance soon", "error.bad_int"),
    ],
)
async def test_bad_input_is_translated_and_changes_nothing(line: str, error: str) -> None:
    h, store = await ready()
    await h.ok("ann", "rsvp maybe", private=True)
    before = dict(store.tables.attendance)
    assert before
    said = await h.say("mod" if line.startswith("session") else "ann", line, private=True)
    assert said.errors == [error]
    assert store.tables.attendance == before


async def test_bad_capacity_and_closed_sessions_are_refused_kindly() -> None:
    h, store = await ready("fr")
    first = ids(store)[0]
    for value in ("0", "501", "beaucoup", "-3"):
        said = await h.say("mod", f"groupe régler places {value}")
        assert said.errors == ["error.setting.capacity"], value
    assert store.tables.groups[1].capacity is None
    said = await h.say("mod", "groupe régler places beaucoup")
    assert said.private("mod") == [
        "Donnez un nombre de places de 1 à 500, ou « non » pour ne pas limiter (pas « beaucoup »)."
    ]
    await h.ok("mod", "groupe régler places 12")
    assert store.tables.groups[1].capacity == 12
    said = await h.ok("mod", "groupe afficher")
    assert "places par séance : 12" in said.room[0]
    await h.advance(paris(2026, 12, 1, 19, 31) - h.clock.now())  # it opened by itself
    said = await h.say("ann", f"présence oui {first}", private=True)
    assert said.errors == ["error.attendance_closed"]
    said = await h.say("ann", "présence oui 4242", private=True)
    assert said.errors == ["error.session_not_found"]


async def test_another_groups_session_is_not_found() -> None:
    h, store = await ready()
    first = ids(store)[0]
    said = await h.say("ann", f"rsvp yes {first}", private=True, room="room-2")
    assert said.errors == ["error.session_not_found"]
    said = await h.say("mod", f"session attendance {first}", room="room-2")
    assert said.errors == ["error.session_not_found"]
    assert answers(store, first) == {}


async def test_logs_carry_counts_never_who_answered_what(caplog: pytest.LogCaptureFixture) -> None:
    h, _ = await ready()
    caplog.set_level(logging.DEBUG)
    await h.ok("ann", "rsvp no", private=True)
    await h.ok("mod", "session attendance")
    standard = set(vars(logging.makeLogRecord({})))
    ours = [r for r in caplog.records if r.name == "cercle.attendance"]
    assert [r.getMessage() for r in ours] == ["attendance answered", "attendance shown"]
    for record in caplog.records:
        extra = {k: v for k, v in vars(record).items() if k not in standard}
        assert set(extra) <= {"group", "session", "given", "answers", "command", "message"}
        assert all(
            isinstance(v, int) for k, v in extra.items() if k != "command" and k != "message"
        )
        assert "ann" not in record.getMessage().casefold()


def test_the_reminders_command_words_are_the_registrys() -> None:
    command = REGISTRY.get("rsvp")
    for language, word in RSVP_WORDS.items():
        assert command.display_name(language) == word
        line = answer_line(language, Answer.MAYBE, 7)
        invocation = REGISTRY.parse(line, language)
        assert invocation.args.answer is Answer.MAYBE
        assert invocation.args.id == 7
    assert set(ANSWER_NAMES) == set(RSVP_WORDS)


async def test_reminders_looked_at_ahead_leave_out_those_who_said_no() -> None:
    h, _ = await ready()
    for who in ("ann", "bob"):
        await h.ok(who, "remind on")
    await h.ok("ann", "rsvp no", private=True)
    h.clock.set(paris(2026, 11, 30, 19, 0))
    found = await h.app.private_reminders("test", h.room, timedelta(hours=1))
    assert found == [(timedelta(minutes=30), ("bob",))]
    await h.ok("bob", "rsvp no", private=True)
    assert await h.app.private_reminders("test", h.room, timedelta(hours=1)) == []
