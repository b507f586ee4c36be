"""Care features in the core: themes, the private journal, the directory, resources,
accompanying persons, my-data and forget-me (fake clock, in-memory store)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.domain import JobKind, JobState, Role
from bot.i18n import render
from bot.replies import Audience
from tests.fakes import InMemoryStore
from tests.unit.harness import Harness


async def members(h: Harness, *names: str) -> None:
    await h.ok("mod", "agree")
    for name in names:
        await h.ok(name, "agree")


def public_text(said_outgoing: list) -> str:  # type: ignore[type-arg]
    return "\n".join(render(o) for o in said_outgoing if o.reply.audience is Audience.ROOM)


async def propose(h: Harness, user: str, text: str) -> int:
    """Propose a theme; its id (ids are the store's, shared by every group)."""
    said = await h.ok(user, f"theme propose {text}")
    theme_id = said.outgoing[-2].reply.params["id"]
    assert isinstance(theme_id, int)
    return theme_id


# --- themes --------------------------------------------------------------------------------


async def test_a_theme_is_proposed_without_its_authors_name_and_ranked_by_votes() -> None:
    h = Harness()
    await members(h, "ann", "bob", "cat")
    said = await h.ok("ann", "theme propose  The first   holidays without them ")
    first = said.outgoing[0].reply.params["id"]
    assert said.room == [
        f"💡 A theme was proposed for a coming session (#{first}): “The first holidays without "
        f"them”. To support it: “theme vote {first}”."
    ]
    assert "Ann" not in said.room[0]
    assert said.private("ann") == [
        f"Thank you for proposing theme #{first}. Your name is not shown with it."
    ]
    second = await propose(h, "bob", "Anger")
    await h.ok("bob", f"theme vote {second}")
    await h.ok("cat", f"theme vote {second}")
    await h.ok("cat", f"theme vote {first}")
    listed = await h.ok("cat", "theme list")
    assert listed.room == []
    assert listed.private("cat") == [
        "💡 Proposed themes:\n"
        f"• #{second} “Anger” · 2 votes · your vote ✓\n"
        f"• #{first} “The first holidays without them” · 1 vote · your vote ✓"
    ]
    assert (await h.ok("ann", "theme list")).private("ann")[0].endswith("· 1 vote")


async def test_one_vote_per_member_and_theme_which_can_be_withdrawn() -> None:
    h = Harness()
    await members(h, "ann", "bob")
    theme = await propose(h, "ann", "Anger")
    await h.ok("bob", f"theme vote {theme}")
    again = await h.say("bob", f"theme vote {theme}")
    assert again.errors == ["error.theme_already_voted"]
    assert again.private("bob") == [
        f"You already voted for theme #{theme}. To withdraw your vote: “theme unvote {theme}”."
    ]
    assert (await h.ok("bob", f"theme unvote {theme}")).private("bob") == [
        f"Your vote for theme #{theme} is withdrawn."
    ]
    assert (await h.say("bob", f"theme unvote {theme}")).errors == ["error.theme_not_voted"]
    assert (await h.say("bob", "theme vote 999")).errors == ["error.theme_not_found"]
    await h.ok("bob", "agree", room="room-2")
    other_group = await h.say("bob", f"theme vote {theme}", room="room-2")
    assert other_group.errors == ["error.theme_not_found"]


async def test_a_moderator_picks_a_theme_shown_in_sessions_and_reminders() -> None:
    h = Harness()
    await members(h, "ann")
    theme = await propose(h, "ann", "Anger")
    refused = await h.say("ann", f"theme pick {theme}")
    assert refused.errors == ["error.moderators_only"]
    assert (await h.say("mod", f"theme pick {theme}")).errors == ["error.theme_no_session"]
    await h.ok("mod", "session schedule 2026-12-08 19:30 90m weekly")
    said = await h.ok("mod", f"theme pick {theme}")
    assert said.room == [
        "💡 The theme of the session of Tuesday 8 December 2026 at 19:30 will be: “Anger”."
    ]
    listed = (await h.ok("ann", "sessions")).private("ann")[0]
    assert "Tuesday 8 December 2026 at 19:30 · 1 hr 30 min · every week · “Anger”" in listed
    assert "Tuesday 15 December 2026 at 19:30 · 1 hr 30 min · every week\n" in listed
    reminders = await h.advance(timedelta(days=6, hours=2))
    assert "our next session, “Anger”, starts in 24 h" in "\n".join(reminders.room)
    assert (await h.say("mod", f"theme pick {theme} 99999")).errors == ["error.session_not_found"]


async def test_picking_for_the_open_session_is_todays_theme() -> None:
    h = Harness()
    await h.open_with("ann")
    theme = await propose(h, "ann", "Silence")
    assert (await h.ok("mod", f"theme pick {theme}")).room == ["💡 Today's theme: “Silence”."]


@pytest.mark.parametrize("mention", ["@everyone", "@here", "@room", "<@123456789>", "<@&42>"])
async def test_theme_text_never_pings(mention: str) -> None:
    h = Harness()
    await members(h, "ann")
    said = await h.ok("ann", f"theme propose listen {mention} please")
    text = said.room[0]
    assert mention not in text
    assert "\u2060" in text


async def test_a_too_short_theme_is_refused_and_nothing_is_stored() -> None:
    store = InMemoryStore()
    h = Harness(store=store)
    await members(h, "ann")
    assert (await h.say("ann", "theme propose ok")).errors == ["error.theme_too_short"]
    assert store.tables.themes == {}


# --- journal -------------------------------------------------------------------------------


async def test_journal_answers_are_private_and_never_repeat_the_note_in_the_room() -> None:
    h = Harness()
    await members(h, "ann")
    secret = "I cried in the car SECRET-41"
    for line in (
        f"journal add {secret}",
        "journal list",
        "journal export",
        "journal delete 7",
        "journal delete nothing",
        "journal prompt on",
        "journal delete all",
    ):
        said = await h.say("ann", line)
        assert said.room == [], line
        assert all(o.reply.user_id == "ann" for o in said.outgoing), line
        assert secret not in public_text(said.outgoing), line


async def test_journal_notes_are_numbered_per_person_listed_exported_and_deleted() -> None:
    h = Harness()
    await members(h, "ann", "bob")
    await h.ok("bob", "journal add bob's own note", private=True)
    added = await h.ok("ann", "journal add First note", private=True)
    assert added.private("ann") == ["📓 Note #1 is in your journal. Only you can read it."]
    typed_in_room = await h.ok("ann", "journal add Second note")
    assert typed_in_room.keys == ["journal.added", "journal.typed_in_room"]
    listed = await h.ok("ann", "journal list", private=True)
    [reply] = listed.outgoing
    assert reply.reply.confidential
    assert listed.private("ann") == [
        "📓 Your journal (only you can see this):\n"
        "#1 · Tuesday 1 December 2026 at 19:00\nFirst note\n"
        "#2 · Tuesday 1 December 2026 at 19:00\nSecond note"
    ]
    exported = await h.ok("ann", "journal export")
    [reply] = exported.outgoing
    assert reply.reply.confidential and reply.reply.attachment is not None
    data = reply.reply.attachment.data.decode()
    assert data.startswith("# My journal\n") and "First note" in data and "bob" not in data
    assert (await h.say("ann", "journal delete 3")).errors == ["error.journal_not_found"]
    assert (await h.ok("ann", "journal delete #1")).private("ann") == ["Note #1 is deleted."]
    assert (await h.ok("ann", "journal delete all")).private("ann") == [
        "Your journal is empty now (1 note deleted)."
    ]
    assert (await h.ok("ann", "journal list")).keys == ["journal.empty"]
    assert (await h.ok("bob", "journal list")).private("bob")[0].endswith("bob's own note")


async def test_journal_is_the_persons_own_across_groups_of_a_platform() -> None:
    h = Harness()
    await h.ok("ann", "agree")
    await h.ok("ann", "agree", room="room-2")
    await h.ok("ann", "journal add written in the first group")
    listed = await h.ok("ann", "journal list", room="room-2")
    assert "written in the first group" in listed.private("ann")[0]


async def test_members_who_asked_are_invited_to_write_after_a_session() -> None:
    store = InMemoryStore()
    h = Harness(store=store)
    await h.open_with("ann", "bob")
    await h.ok("ann", "journal prompt on")
    await h.ok("mod", "session end")
    assert (await h.advance(timedelta(minutes=9))).outgoing == []
    later = await h.advance(timedelta(minutes=2))
    assert later.private("ann") == [
        "🌙 The session is over. If you wish, you can note your impressions in your private "
        "journal: “journal add …”. Only you will read them."
    ]
    assert later.private("bob") == [] and later.room == []
    prompts = [j for j in store.tables.jobs.values() if j.kind is JobKind.JOURNAL_PROMPT]
    assert [j.state for j in prompts] == [JobState.DONE]
    assert (await h.advance(timedelta(hours=2))).outgoing == []


async def test_no_invitation_job_when_nobody_asked() -> None:
    store = InMemoryStore()
    h = Harness(store=store)
    await h.open_with("ann")
    await h.ok("mod", "session end")
    assert not [j for j in store.tables.jobs.values() if j.kind is JobKind.JOURNAL_PROMPT]


# --- directory and resources ---------------------------------------------------------------


async def test_the_directory_lists_only_groups_that_chose_to_be_listed() -> None:
    h = Harness()
    await members(h, "ann")
    await h.ok("ann", "agree", room="room-3")
    empty = await h.ok("ann", "groups")
    assert empty.private("ann") == [
        "No group is listed in the directory yet. A group's moderators can list theirs: "
        "“group set directory on”."
    ]
    await h.ok("mod", "group set name Grief — Tuesdays")
    await h.ok("mod", "group set need grief")
    await h.ok("mod", "group set accompanying not-admitted")
    await h.ok("mod", "session schedule 2026-12-08 19:30")
    await h.ok("mod", "group set directory on")
    await h.ok("mod", "group set name Hidden group", room="room-2")
    listed = await h.ok("ann", "groups", room="room-3")
    [text] = listed.private("ann")
    assert "• Grief — Tuesdays — grief, in English" in text
    assert "next session: Tuesday 8 December 2026 at 19:30" in text
    assert "accompanying persons: not admitted" in text
    assert "where: room-1" in text
    assert "Hidden group" not in text
    assert "type “agree” to accept its charter" in text and "“observer on”" in text
    refused = await h.say("ann", "group set directory off")
    assert refused.errors == ["error.moderators_only"]


async def test_a_directory_entry_never_pings_and_platforms_can_link_rooms() -> None:
    from bot import i18n

    h = Harness()
    await members(h, "ann")
    await h.ok("mod", "group set name Everyone @everyone welcome")
    await h.ok("mod", "group set directory on")
    i18n.PLACE_FORMATS["test"] = lambda room: f"<link to {room}>"
    try:
        [text] = (await h.ok("ann", "groups")).private("ann")
    finally:
        del i18n.PLACE_FORMATS["test"]
    assert "@everyone" not in text and "@\u2060everyone" in text
    assert "where: <link to room-1>" in text


# Resources: tests/unit/test_resources.py (crisis lines follow the country).


# --- observers and accompanying persons ----------------------------------------------------


async def test_accompanying_welcome_policy_takes_the_role_at_once() -> None:
    store = InMemoryStore()
    h = Harness(store=store)
    await members(h, "ann")
    await h.ok("mod", "group set accompanying welcome")
    said = await h.ok("ann", "accompanying on")
    assert said.room == ["🌿 Ann joins us as an accompanying person. Welcome."]
    member = next(m for (_, u), m in store.tables.members.items() if u == "ann")
    assert member.role is Role.ACCOMPANYING
    assert (await h.say("ann", "accompanying on")).errors == ["error.accompanying_already"]
    await h.ok("ann", "accompanying off")
    member = next(m for (_, u), m in store.tables.members.items() if u == "ann")
    assert member.role is Role.PARTICIPANT


async def test_accompanying_not_admitted_cannot_be_taken() -> None:
    store = InMemoryStore()
    h = Harness(store=store)
    await members(h, "ann")
    await h.ok("mod", "group set accompanying not-admitted")
    said = await h.say("ann", "accompanying on")
    assert said.errors == ["error.accompanying_not_admitted"]
    assert said.private("ann") == [
        "This group does not admit accompanying persons. You are welcome to take part in your "
        "own name."
    ]
    member = next(m for (_, u), m in store.tables.members.items() if u == "ann")
    assert member.role is Role.PARTICIPANT and member.accompanying_requested_at is None


async def test_accompanying_ask_policy_asks_the_moderators_privately() -> None:
    store = InMemoryStore()
    h = Harness(store=store, moderators={"mod", "mia"})
    await members(h, "mia", "ann", "bob")
    await h.ok("mod", "group set accompanying ask")
    asked = await h.ok("ann", "accompanying on")
    assert asked.room == []
    assert asked.private("ann") == [
        "Your request is with the group's moderators; you will hear from them privately."
    ]
    for moderator in ("mod", "mia"):
        [notice] = asked.private(moderator)
        assert notice.startswith("Ann asks to attend as an accompanying person.")
    [choice_reply] = [o for o in asked.outgoing if o.reply.user_id == "mod"]
    assert [c.command for c in choice_reply.reply.choices] == [
        "accompanying admit ann",
        "accompanying decline ann",
    ]
    assert (await h.say("ann", "accompanying on")).errors == ["error.accompanying_pending"]
    assert (await h.say("bob", "accompanying admit ann")).errors == ["error.moderators_only"]
    admitted = await h.ok("mia", "accompanying admit ann")
    assert admitted.room == ["🌿 Ann joins us as an accompanying person. Welcome."]
    assert admitted.private("ann") == ["🌿 The moderators welcome you as an accompanying person."]
    assert (await h.say("mod", "accompanying admit ann")).errors == [
        "error.accompanying_no_request"
    ]


async def test_a_declined_request_is_told_kindly_and_privately() -> None:
    store = InMemoryStore()
    h = Harness(store=store)
    await members(h, "ann")
    await h.ok("ann", "accompanying on")
    said = await h.ok("mod", "accompanying decline Ann")
    assert said.room == []
    assert said.private("ann")[0].startswith("The moderators could not welcome")
    member = next(m for (_, u), m in store.tables.members.items() if u == "ann")
    assert member.role is Role.PARTICIPANT and member.accompanying_requested_at is None


async def test_observers_never_queue_but_may_ask_for_a_break() -> None:
    h = Harness()
    await h.open_with("ann", "bob")
    await h.ok("ann", "observer on")
    assert (await h.say("ann", "hand")).errors == ["error.observer_no_stick"]
    assert (await h.ok("ann", "pause anon")).room[0].startswith("☕ A break was requested.")


# --- my data and forget me -----------------------------------------------------------------


async def test_my_data_is_a_private_json_export_of_everything_about_me() -> None:
    h = Harness()
    await h.open_with("ann", "bob")
    await h.ok("ann", "hand")
    await h.ok("bob", "hand")
    await h.ok("ann", "pass")
    await h.ok("ann", "pause")
    await propose(h, "ann", "Anger")
    hope = await propose(h, "bob", "Hope")
    await h.ok("ann", f"theme vote {hope}")
    await h.ok("ann", "journal add a note", private=True)
    await h.ok("ann", "remind on")
    said = await h.ok("ann", "my-data", private=True)
    [reply] = said.outgoing
    assert reply.reply.audience is Audience.PRIVATE and reply.reply.confidential
    assert reply.reply.attachment is not None
    data = json.loads(reply.reply.attachment.data)
    assert data["user_id"] == "ann" and data["platform"] == "test"
    [membership] = data["memberships"]
    assert membership["reminders_by_direct_message"] is True
    assert membership["charter_accepted_at"] is not None
    assert [t["text"] for t in data["themes_proposed"]] == ["Anger"]
    assert [v["theme"] for v in data["theme_votes"]] == ["Hope"]
    assert len(data["speaking_turns"]) == 1
    assert len(data["break_requests"]) == 1
    assert [j["text"] for j in data["journal"]] == ["a note"]
    [place] = data["talking_stick"]  # out of the line, but she raised a hand in this session
    assert (place["holding"], place["queue_position"], place["raised_a_hand_this_session"]) == (
        False,
        None,
        True,
    )
    assert "Bob" not in reply.reply.attachment.data.decode()


async def test_forget_me_asks_for_confirmation_first() -> None:
    store = InMemoryStore()
    h = Harness(store=store)
    await h.ok("ann", "agree")
    said = await h.ok("ann", "forget-me", private=True)
    assert said.keys == ["privacy.forget_confirm"]
    assert [c.command for c in said.outgoing[0].reply.choices] == ["forget-me confirm"]
    assert any(u == "ann" for (_, u) in store.tables.members)
    assert (await h.say("ann", "forget-me please")).errors == ["error.bad_choice"]


async def test_forget_me_erases_everything_about_the_member_in_every_group() -> None:
    store = InMemoryStore()
    h = Harness(store=store)
    await h.open_with("ann", "bob", "cat")
    await h.ok("ann", "hand")
    await h.ok("bob", "hand")
    await h.ok("ann", "pass")
    await h.ok("bob", "pass")
    await h.ok("ann", "hand")  # holds the stick again
    await h.ok("cat", "hand")
    await h.ok("ann", "pause")
    voted = await propose(h, "ann", "Voted by others")
    await propose(h, "ann", "Nobody voted")
    await h.ok("bob", f"theme vote {voted}")
    bobs = await propose(h, "bob", "Bob's")
    await h.ok("ann", f"theme vote {bobs}")
    await h.ok("ann", "journal add private words")
    await h.ok("ann", "agree", room="room-2")
    await h.ok("ann", "remind on", room="room-2")
    await h.ok("mod", "stick timer 5")
    said = await h.ok("ann", "forget-me confirm", private=True)
    assert said.room == ["🎤 Cat has the talking stick."]
    assert said.private("ann") == [
        "🔐 Done: I no longer keep anything about you. Take care of yourself."
    ]
    t = store.tables
    dump = repr((t.members, t.sticks, t.turns, t.pauses, t.themes, t.votes, t.journal, t.jobs))
    assert "ann" not in dump and "Ann" not in dump
    assert sorted(theme.text for theme in t.themes.values()) == ["Bob's", "Voted by others"]
    assert all(v.user_id == "bob" for v in t.votes.values())
    # the others are untouched
    assert {u for (_, u) in t.members} == {"mod", "bob", "cat"}


async def test_a_member_can_come_back_after_being_forgotten() -> None:
    h = Harness()
    await h.ok("ann", "agree")
    await h.ok("ann", "forget-me confirm")
    again = await h.say("ann", "agree")
    assert "welcome.newcomer" in again.keys


async def test_themes_of_past_sessions_leave_the_list() -> None:
    h = Harness()
    await h.open_with("ann")
    used = await propose(h, "ann", "Used today")
    await propose(h, "ann", "Still to come")
    await h.ok("mod", f"theme pick {used}")
    assert "Used today" in (await h.ok("ann", "theme list")).private("ann")[0]
    await h.ok("mod", "session end")
    listed = (await h.ok("ann", "theme list")).private("ann")[0]
    assert "Used today" not in listed and "Still to come" in listed
