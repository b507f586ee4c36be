"""The speaking-time summary a group may ask for (``group set summary on``): when a session
ends, its moderators are told privately who spoke how often and how long, who raised a hand and
never got the floor, and who did not speak.  Nothing about what anyone said; nothing public.

It is computed from the speaking log (``speaking_turns``: who held the stick, from when to
when, and whether it was given in a round), which ``my-data`` already shows each member for
themselves and ``forget-me`` erases: the summary itself is not stored.  Turns given in an
opening or closing round are not counted as speaking: everyone present is called in a round and
many pass at once; the summary says which rounds there were instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from bot.commands.context import Context
from bot.domain import Member, Role, Session, SpeakingTurn
from bot.handlers.common import notify_moderators, ref
from bot.replies import Duration, Key, Lines, Param, Reply, UserRef


def _named(members: dict[str, Member], user_id: str) -> UserRef:
    member = members.get(user_id)
    return ref(member) if member else UserRef(user_id, user_id)


def _people(refs: Sequence[UserRef]) -> Param:
    return tuple(refs) if refs else Key("summary.nobody")


async def for_moderators(
    ctx: Context, session: Session, turns: Sequence[SpeakingTurn], raised: Sequence[str]
) -> list[Reply]:
    """The summary of ``session`` (its speaking log ``turns``; ``raised``: who raised a hand
    in it or was still in line when it ended), privately to each moderator."""
    count: dict[str, int] = {}
    spoken: dict[str, timedelta] = {}
    rounds = tuple(dict.fromkeys(t.round for t in turns if t.round is not None))
    for turn in (t for t in turns if t.round is None):  # in the order people first spoke
        count[turn.user_id] = count.get(turn.user_id, 0) + 1
        spoken[turn.user_id] = spoken.get(turn.user_id, timedelta()) + (
            turn.ended_at - turn.started_at
        )
    members = {m.user_id: m for m in await ctx.uow.members.list(ctx.group.id)}
    opened = session.opened_at or session.planned_start
    present = [
        m
        for m in members.values()
        if m.present_since(opened) and m.role is not Role.OBSERVER and not m.is_moderator
    ]
    speakers = tuple(
        Key(
            "summary.speaker",
            {
                "member": _named(members, user),
                "count": count[user],
                "duration": Duration(max(1.0, spoken[user] / timedelta(minutes=1))),
            },
        )
        for user in count
    )
    waited = [_named(members, u) for u in raised if u not in count]
    silent = [ref(m) for m in present if m.user_id not in count and m.user_id not in raised]
    kinds = tuple(Key(f"summary.round.{kind.value}") for kind in rounds)
    return await notify_moderators(
        ctx.uow,
        ctx.group.id,
        "summary.moderators_rounds" if rounds else "summary.moderators",
        speakers=Lines(speakers) if speakers else Key("summary.nobody"),
        waited=_people(waited),
        silent=_people(silent),
        rounds=kinds,
    )
