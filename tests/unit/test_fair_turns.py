"""Fair turns: the order in which raised hands join the line (arrival, first-time, balanced),
and what ``queue`` says about it, with the fake clock."""

from __future__ import annotations

from datetime import timedelta

from tests.unit.harness import Harness
from tests.unit.test_talking_stick import stick_of


async def speak(h: Harness, user: str, minutes: int) -> None:
    """``user`` holds the stick for ``minutes``, then passes."""
    holder, _ = await stick_of(h)
    assert holder == user
    h.clock.advance(timedelta(minutes=minutes))
    await h.ok(user, "pass")


async def test_balanced_order_over_several_turns() -> None:
    h = Harness()
    await h.open_with("ann", "bob", "cat", "dan")
    await h.ok("mod", "group set order balanced")
    await h.ok("ann", "hand")
    await speak(h, "ann", 10)  # ann: 10 min
    await h.ok("bob", "hand")
    await h.ok("ann", "hand")
    await h.ok("cat", "hand")  # has not spoken: ahead of ann
    assert await stick_of(h) == ("bob", ("cat", "ann"))
    await speak(h, "bob", 2)  # bob: 2 min
    assert await stick_of(h) == ("cat", ("ann",))
    await h.ok("bob", "hand")  # 2 min < 10 min: ahead of ann
    await h.ok("dan", "hand")  # nothing yet: first
    assert await stick_of(h) == ("cat", ("dan", "bob", "ann"))
    await speak(h, "cat", 2)  # cat: 2 min, as long as bob
    await h.ok("cat", "hand")  # after bob, who was there first; before ann
    assert await stick_of(h) == ("dan", ("bob", "cat", "ann"))
    await speak(h, "dan", 20)  # dan: 20 min
    await h.ok("dan", "hand")  # the longest: last
    assert await stick_of(h) == ("bob", ("cat", "ann", "dan"))


async def test_the_same_turns_in_the_order_of_arrival() -> None:
    h = Harness()
    await h.open_with("ann", "bob", "cat")
    await h.ok("ann", "hand")
    await speak(h, "ann", 10)
    await h.ok("bob", "hand")
    await h.ok("ann", "hand")
    await h.ok("cat", "hand")
    assert await stick_of(h) == ("bob", ("ann", "cat"))


async def test_first_speakers_first_still_means_first_time() -> None:
    h = Harness()
    await h.open_with("ann", "bob", "cat")
    said = await h.ok("mod", "group set first-speakers-first on")
    assert said.room == ["⚙️ Updated: first-time speakers first → yes"]
    await h.ok("ann", "hand")
    await speak(h, "ann", 1)
    await h.ok("bob", "hand")
    await h.ok("ann", "hand")
    await h.ok("cat", "hand")
    assert await stick_of(h) == ("bob", ("cat", "ann"))
    shown = await h.ok("mod", "group show")
    assert "speaking order: first-time speakers first" in shown.room[-1]
    # Already balanced (which puts those who have not spoken first too): the switch keeps it.
    await h.ok("mod", "group set order balanced")
    await h.ok("mod", "group set first-speakers-first on")
    assert "speaking order: balanced" in (await h.ok("mod", "group show")).room[-1]


async def test_queue_says_which_order_is_used_and_why_someone_is_ahead() -> None:
    h = Harness(language="fr")
    await h.open_with("ann", "bob", "cat")
    await h.ok("mod", "groupe régler ordre équilibré")
    await h.ok("ann", "main")
    await speak(h, "ann", 5)
    await h.ok("bob", "main")
    await h.ok("ann", "main")
    await h.ok("cat", "main")
    shown = (await h.ok("ann", "file")).private("ann")
    assert shown == [
        "🎤 Parole : Bob · en attente : Cat et Ann\n"
        "Ici, l'ordre est équilibré : qui a le moins parlé pendant la séance passe d'abord, "
        "puis chacune dans l'ordre où elle a levé la main.\n"
        "Vous êtes n° 2 : la personne devant vous a moins parlé que vous jusqu'ici ou levé la "
        "main avant vous (ou l'équipe d'animation a ajusté l'ordre). Votre tour viendra, "
        "prenez votre temps."
    ]
    first = (await h.ok("cat", "file")).private("cat")
    assert first[0].count("\n") == 1, "the first in line is not told why anyone is ahead"


async def test_a_wrong_order_is_refused_kindly() -> None:
    h = Harness()
    await h.ok("mod", "agree")
    said = await h.say("mod", "group set order loudest")
    assert said.errors == ["error.setting.order"]
    assert said.private("mod") == [
        "Please choose “arrival”, “first-time” or “balanced” (not “loudest”)."
    ]
