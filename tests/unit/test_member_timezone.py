"""``my timezone``: a member's own time zone for the times of their private messages, the group's
time named beside it — a French group outside France (Montréal) with a member in Paris."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from bot.clock import ManualClock
from tests.fakes import InMemoryStore
from tests.unit.harness import Harness

MONDAY = datetime(2026, 11, 30, 17, tzinfo=UTC)  # 12:00 in Montréal, 18:00 in Paris


def montreal(store: InMemoryStore | None = None) -> Harness:
    return Harness(
        store=store or InMemoryStore(),
        clock=ManualClock(MONDAY),
        language="fr",
        timezone="America/Montreal",
    )


async def test_a_member_abroad_gets_reminders_in_her_own_time() -> None:
    h = montreal()
    await h.ok("mod", "accepte")
    await h.ok("léa", "accepte")
    set_ = await h.ok("léa", "mon fuseau Europe/Paris")
    assert set_.private("léa") == [
        "🧭 C'est noté : vos messages privés donneront l'heure de Paris (Europe/Paris ; il y est "
        "18 h), avec celle du groupe à côté."
    ]
    await h.ok("léa", "rappels oui")
    await h.ok("bob", "accepte")
    await h.ok("bob", "rappels oui")
    await h.ok("mod", "séance planifier 2026-12-01 19:30 90m")
    said = await h.advance(timedelta(hours=24))
    [lea] = said.private("léa")
    assert "mercredi 2 décembre 2026 à 1 h 30 chez vous (19 h 30 à l'heure de Montreal)" in lea
    [bob] = said.private("bob")
    assert "mardi 1er décembre 2026 à 19 h 30" in bob and "chez vous" not in bob


async def test_bad_zones_get_a_kind_answer_and_off_goes_back_to_the_group() -> None:
    h = montreal()
    await h.ok("mod", "accepte")
    close = await h.say("mod", "mon fuseau Europe/Pari")
    assert close.errors == ["error.my_timezone_close"]
    assert "Europe/Paris" in close.private("mod")[0]
    unknown = await h.say("mod", "mon fuseau Lune")
    assert unknown.errors == ["error.my_timezone_unknown"]
    assert "America/Montreal" in unknown.private("mod")[0]
    await h.ok("mod", "mon fuseau Europe/Paris")
    back = await h.ok("mod", "mon fuseau non")
    assert back.private("mod") == [
        "🧭 C'est noté : vos messages privés donneront l'heure du groupe (Montreal)."
    ]


async def test_in_english_and_in_my_data_and_gone_with_forget_me() -> None:
    store = InMemoryStore()
    h = Harness(store=store, clock=ManualClock(MONDAY), timezone="Europe/Paris")
    await h.ok("ann", "agree")
    await h.ok("ann", "my timezone America/Montreal")
    await h.ok("ann", "remind on")
    await h.ok("mod", "agree")
    await h.ok("mod", "session schedule 2026-12-01 19:30 90m")
    said = await h.advance(timedelta(hours=24))
    [ann] = said.private("ann")
    assert "Tuesday 1 December 2026 at 13:30 your time (19:30 in Paris)" in ann
    exported = await h.ok("ann", "my-data")
    [data] = [o.reply.attachment for o in exported.outgoing if o.reply.attachment]
    assert json.loads(data.data)["memberships"][0]["timezone"] == "America/Montreal"
    await h.ok("ann", "forget-me confirm")
    assert not [m for (_, u), m in store.tables.members.items() if u == "ann"]


async def test_a_move_is_told_in_her_own_time_too() -> None:
    store = InMemoryStore()
    h = montreal(store)
    await h.ok("mod", "accepte")
    await h.ok("léa", "accepte")
    await h.ok("léa", "mon fuseau Europe/Paris")
    await h.ok("léa", "rappels oui")
    await h.ok("mod", "séance planifier 2026-12-01 19:30 90m")
    [session_id] = store.tables.sessions
    moved = await h.ok("mod", f"séance déplacer {session_id} 2026-12-03 19:30")
    assert moved.private("léa") == [
        "📅 « room-1 » : la séance du mercredi 2 décembre 2026 à 1 h 30 est déplacée au "
        "vendredi 4 décembre 2026 à 1 h 30 chez vous (19 h 30 à l'heure de Montreal). "
        "Pour y aller : room-1."
    ]
