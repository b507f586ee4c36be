"""The Matrix adapter's pure parts, without a homeserver: rendering, reactions, invitations,
room-version-12 creators, deliveries and the stored state."""

from __future__ import annotations

from typing import Any

import pytest
from nio import RoomCreateEvent

from adapters.matrix.delivery import Delivery, Kind, from_outgoing
from adapters.matrix.inbound import inviter_allowed, strip_reply_fallback
from adapters.matrix.power import Creation, creators_outrank
from adapters.matrix.reactions import BUTTONS, command_for
from adapters.matrix.render import edit, notice, text_of, transaction_id
from adapters.matrix.state import MAX_KEY, MatrixState, Panel, state_key
from adapters.pacing import Urgency
from bot.replies import Audience, Choice, Outgoing, Reply, Tone, UserText


def outgoing(reply: Reply, key: str = "$event:0") -> Outgoing:
    return Outgoing("matrix", "!room", reply, "en", "Europe/Paris", key, None)


def test_replies_are_notices_with_an_escaped_html_body() -> None:
    reply = Reply(
        "charter.show", {"charter": UserText("<b>be kind</b>\n@room & co", multiline=True)}
    )
    body, html = text_of(outgoing(reply), "!")
    content = notice(body, html)
    assert content["msgtype"] == "m.notice"
    assert "<b>be kind</b>" in content["body"], "the plain body keeps the text as typed"
    assert "&lt;b&gt;be kind&lt;/b&gt;<br>" in content["formatted_body"]
    assert "@room" not in content["body"], "user text cannot ping the room"
    assert content["m.mentions"] == {}


def test_choices_say_what_to_send_next_with_the_prefix() -> None:
    reply = Reply("charter.show", {"charter": UserText("x")}, choices=(Choice("I agree", "agree"),))
    body, html = text_of(outgoing(reply), "?")
    assert body.endswith("👉 I agree: ?agree")
    assert html.endswith("👉 I agree: <code>?agree</code>")
    same = Reply("charter.show", {"charter": UserText("x")}, choices=(Choice("agree", "agree"),))
    assert text_of(outgoing(same), "!")[0].endswith("👉 !agree")


def test_an_edit_replaces_the_panel_in_place() -> None:
    content = edit("$panel", "new", "new")
    assert content["m.relates_to"] == {"rel_type": "m.replace", "event_id": "$panel"}
    assert content["m.new_content"]["body"] == "new"
    assert content["body"] == "* new"


def test_transaction_ids_are_deterministic() -> None:
    assert transaction_id("a") == transaction_id("a")
    assert transaction_id("a") != transaction_id("b")
    assert transaction_id("$x:y/z?").replace("-", "").isalnum()


@pytest.mark.parametrize(
    ("key", "command"),
    [
        ("✋", "hand"),
        ("✋🏽", "hand"),
        ("➡️", "pass"),
        ("➡", "pass"),
        ("☕", "pause"),
        ("☕️", "pause"),
        ("👍", None),
    ],
)
def test_reactions_stand_for_commands(key: str, command: str | None) -> None:
    assert command_for(key) == command


def test_the_bot_offers_each_reaction() -> None:
    assert [command for _, command in BUTTONS] == ["hand", "pass", "pause"]


@pytest.mark.parametrize(
    ("inviter", "allowed", "expected"),
    [
        ("@ann:example.org", (), True),
        ("@ann:example.org", ("@ann:example.org",), True),
        ("@bob:example.org", ("@ann:example.org",), False),
        ("@bob:example.org", (":example.org",), True),
        ("@eve:evil-example.org", (":example.org",), False),
        ("@eve:example.org.evil", (":example.org",), False),
    ],
)
def test_allowed_inviters(inviter: str, allowed: tuple[str, ...], expected: bool) -> None:
    assert inviter_allowed(inviter, allowed) is expected


def create_event(version: str, sender: str = "@mona:hs", **content: Any) -> RoomCreateEvent:
    source = {
        "type": "m.room.create",
        "event_id": "$create",
        "sender": sender,
        "origin_server_ts": 0,
        "state_key": "",
        "content": {"room_version": version, **content},
    }
    event = RoomCreateEvent.from_dict(source)
    assert isinstance(event, RoomCreateEvent)
    return event


def test_room_version_12_creators_outrank_everyone() -> None:
    creation = Creation.of(create_event("12", additional_creators=["@co:hs"]))
    assert creation.privileged == {"@mona:hs", "@co:hs"}
    assert Creation.of(create_event("11")).privileged == frozenset()
    assert creators_outrank("13")
    assert creators_outrank("org.matrix.hydra.11")
    assert not creators_outrank("10")


def test_deliveries_survive_the_outbox() -> None:
    private = Reply("pause.thanks", {}, Audience.PRIVATE, "@bob:hs")
    item = from_outgoing(outgoing(private), "!", "epoch")
    assert item.kind is Kind.PRIVATE
    assert item.user_id == "@bob:hs"
    assert Delivery.from_dict(item.to_dict()) == item
    panel = from_outgoing(outgoing(Reply("stick.panel_closed", tone=Tone.PANEL)), "!", "e")
    assert panel.kind is Kind.PANEL_CLOSED
    again = from_outgoing(outgoing(private), "!", "epoch")
    assert again.txn == item.txn, "the same reply always has the same transaction id"
    other_database = from_outgoing(outgoing(private), "!", "another")
    assert other_database.txn != item.txn


def test_a_reminder_is_answered_by_reactions_added_after_the_rest() -> None:
    choices = (
        Choice("I'm coming", "rsvp yes 7", emoji="✅"),
        Choice("I can't come", "rsvp no 7", emoji="❌"),
    )
    item = from_outgoing(outgoing(Reply("session.resumed", {}, choices=choices)), "!", "epoch")
    assert item.answers == (("✅", "rsvp yes 7"), ("❌", "rsvp no 7"))
    assert item.body.endswith("\n\n✅ I'm coming · ❌ I can't come"), "no command lines"
    assert Delivery.from_dict(item.to_dict()) == item
    reactions = item.reactions("$posted")
    assert [(r.kind, r.target, r.key) for r in reactions] == [
        (Kind.REACTION, "$posted", "✅"),
        (Kind.REACTION, "$posted", "❌"),
    ]
    assert all(r.urgency == Urgency.BULK for r in reactions)
    assert len({r.txn for r in reactions}) == 2
    assert [Delivery.from_dict(r.to_dict()) for r in reactions] == reactions
    private = Reply("pause.thanks", {}, Audience.PRIVATE, "@bob:hs", choices=choices)
    assert from_outgoing(outgoing(private), "!", "epoch").answers == ()


class DictStore:
    def __init__(self) -> None:
        self.data: dict[str, str] = {}

    async def get(self, key: str) -> str | None:
        return self.data.get(key)

    async def put(self, key: str, value: str) -> None:
        assert len(key) <= MAX_KEY
        self.data[key] = value

    async def delete(self, key: str) -> None:
        self.data.pop(key, None)

    async def with_prefix(self, prefix: str) -> dict[str, str]:
        return {k: v for k, v in self.data.items() if k.startswith(prefix)}


async def test_the_state_comes_back_after_a_restart() -> None:
    store = DictStore()
    state = MatrixState(store)
    await state.load()
    long_user = "@" + "x" * 300 + ":hs"
    await state.set_dm_room(long_user, "!dm")
    await state.set_dm_group(long_user, "!group")
    await state.set_panel("!group", Panel("$panel", "digest"))
    for number in range(6):
        await state.set_answers("!group", f"$reminder{number}", {"✅": f"rsvp yes {number}"})
    await state.advance("token1")
    await state.mark_done("$a")
    again = MatrixState(store)
    await again.load()
    assert again.epoch == state.epoch
    assert again.dm_rooms == {long_user: "!dm"}
    assert again.dm_partner("!dm") == long_user
    assert again.dm_groups == {long_user: "!group"}
    assert again.panels == {"!group": Panel("$panel", "digest")}
    assert again.answer("!group", "$reminder5", "✅") == "rsvp yes 5"
    assert again.answer("!group", "$reminder5", "❌") is None
    assert again.answer("!group", "$reminder0", "✅") is None, "only the latest few count"
    assert again.answer("!elsewhere", "$reminder5", "✅") is None
    assert (again.cursor.token, again.cursor.done) == ("token1", ["$a"])
    await again.advance("token2")
    assert again.cursor.done == []
    assert state_key("dm:", long_user) != state_key("dm:", long_user + "y")


def test_a_command_sent_as_a_reply_is_read_without_the_quote() -> None:
    body = "> <@cercle:hs> Welcome to the group.\n> Reply with agree\n\n!agree"
    assert strip_reply_fallback(body) == "!agree"
    assert strip_reply_fallback("!hand") == "!hand"
