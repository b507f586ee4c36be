"""Content notices (``hand cw …``): when that person gets the stick, the room is told gently
that the share touches a difficult subject, in the member's few words, shown as member text."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from adapters.discord.render import text as discord_text
from adapters.matrix.render import text_of
from bot.replies import UserText
from tests.fakes import InMemoryStore
from tests.unit.harness import Harness
from tests.unit.test_talking_stick import stick_of


async def test_the_room_is_told_when_that_person_gets_the_stick() -> None:
    h = Harness(language="fr")
    await h.open_with("ann", "bob", "cat")
    await h.ok("ann", "main")
    said = await h.ok("bob", "main avertissement deuil périnatal")
    assert said.room[0] == "✋ Bob a levé la main (n° 1 dans la file)."
    assert not any("deuil" in line for line in said.room), "nothing said before their turn"
    assert said.private("bob") == [
        "Merci de prévenir. Quand vous aurez la parole, la salle en sera informée avec douceur."
    ]
    h.clock.advance(timedelta(minutes=3))
    said = await h.ok("ann", "passe")
    assert said.room[1:3] == [
        "🌿 Un mot avant le partage de Bob : il touche à un sujet difficile (deuil périnatal). "
        "Chaque personne peut s'éloigner un moment ou demander une pause (« pause »), sans "
        "avoir à se justifier.",
        "🎤 Bob a le bâton de parole.",
    ]
    [notice] = [o.reply for o in said.outgoing if o.reply.key == "stick.content_notice"]
    assert notice.params["words"] == UserText("deuil périnatal")
    # Told once: the next time Bob speaks, nothing more.
    await h.ok("bob", "passe")
    await h.ok("bob", "main")
    assert not [o for o in (await h.ok("cat", "main")).outgoing if "notice" in o.reply.key]


async def test_a_notice_while_waiting_keeps_the_place_and_while_speaking_is_told_now() -> None:
    h = Harness()
    await h.open_with("ann", "bob", "cat")
    await h.ok("ann", "hand")
    await h.ok("bob", "hand")
    await h.ok("cat", "hand reply")
    said = await h.ok("cat", "hand cw   a   hard    week ")
    assert said.room == [], "no announcement: same place, same type"
    assert await stick_of(h) == ("ann", ("cat", "bob"))
    said = await h.ok("ann", "hand cw illness")
    assert said.room == [
        "🌿 A word before Ann's share: it touches on a difficult subject (illness). Anyone may "
        "step away for a moment or ask for a break (“pause”), no explanation needed."
    ]
    h.clock.advance(timedelta(minutes=1))
    said = await h.ok("ann", "pass")
    assert "(a hard week)" in said.room[1]
    assert said.room[2] == "🎤 Cat has the talking stick."


async def test_words_are_needed_for_a_notice_and_for_nothing_else() -> None:
    h = Harness()
    await h.open_with("ann")
    assert (await h.say("ann", "hand cw")).errors == ["error.notice_words_missing"]
    assert (await h.say("ann", "hand reply soon")).errors == ["error.words_only_for_notice"]
    assert (await h.say("ann", "hand cw " + "x" * 81)).errors == ["error.text_too_long"]


async def test_a_notice_leaves_with_the_person_and_with_forget_me() -> None:
    store = InMemoryStore()
    h = Harness(store=store)
    await h.open_with("ann", "bob", "cat")
    await h.ok("ann", "hand")
    await h.ok("bob", "hand cw grief")
    await h.ok("cat", "hand cw loss")
    await h.ok("bob", "lower")
    await h.ok("cat", "forget-me confirm", private=True)
    [stick] = store.tables.sticks.values()
    assert stick.notices == {}
    h.clock.advance(timedelta(minutes=1))
    said = await h.ok("ann", "pass")
    assert not [o for o in said.outgoing if o.reply.key == "stick.content_notice"]


async def test_the_few_words_never_ping_nor_forge_a_line() -> None:
    h = Harness()
    await h.open_with("ann")
    said = await h.ok("ann", "hand cw @everyone <@123456> [grief](https://evil.example)")
    [notice] = [o for o in said.outgoing if o.reply.key == "stick.content_notice"]
    for shown in (discord_text(notice), text_of(notice, "!")[0]):
        assert not re.search(r"@everyone|<@123456>", shown), shown
        assert "\n" not in shown
    assert "\\[grief\\](https://evil.example)" in discord_text(notice)


async def test_my_data_shows_the_waiting_hand_and_its_notice() -> None:
    h = Harness()
    await h.open_with("ann", "bob")
    await h.ok("ann", "hand")
    await h.ok("bob", "hand cw grief")
    await h.ok("bob", "hand process")
    said = await h.ok("bob", "my-data", private=True)
    [reply] = said.outgoing
    assert reply.reply.attachment is not None
    data = json.loads(reply.reply.attachment.data)
    [place] = data["talking_stick"]
    assert (place["queue_position"], place["hand"]) == (1, "process")
    assert place["content_notice"] == "grief"
