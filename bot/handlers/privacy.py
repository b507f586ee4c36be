"""``my-data`` (everything stored about me, as JSON) and ``forget-me`` (erase it, after a
confirmation), across every group of the platform the command came from."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Annotated, Any, Literal

from bot.commands.arguments import NoArgs, OneOf
from bot.commands.context import Context
from bot.domain import Group, Member
from bot.domain import stick as rules
from bot.handlers import attendance
from bot.handlers.stick_flow import apply_change
from bot.i18n import translate
from bot.ports import PersonalRecord
from bot.replies import Attachment, Choice, Reply, private

_CONFIRM = "confirm"

FORGOTTEN = "privacy.forgotten"
"""The last reply to someone who asked to be forgotten: adapters that keep something about a
person (a direct room…) forget it once they have delivered it."""


def _instant(when: datetime | None) -> str | None:
    return None if when is None else when.isoformat()


def export(record: PersonalRecord, platform: str, user_id: str, now: datetime) -> dict[str, Any]:
    """The person's data as plain JSON values (what ``my-data`` sends)."""
    names = {group.id: group.name for group, _ in record.memberships}
    return {
        "platform": platform,
        "user_id": user_id,
        "exported_at": now.isoformat(),
        "memberships": [
            {
                "group": group.name,
                "room_id": group.room_id,
                "display_name": member.display_name,
                "role": member.role.value,
                "moderator": member.is_moderator,
                "charter_accepted_at": _instant(member.charter_accepted_at),
                "reminders_by_direct_message": member.dm_reminders,
                "journal_prompt_after_sessions": member.journal_prompt,
                "accompanying_requested_at": _instant(member.accompanying_requested_at),
                "language": member.language,
                "timezone": member.timezone,
                # Whether a private calendar link exists; its token is never stored.
                "private_calendar_link": member.calendar_token is not None,
                "joined_at": _instant(member.joined_at),
                "last_seen_at": _instant(member.last_seen_at),
            }
            for group, member in record.memberships
        ],
        "themes_proposed": [
            {
                "id": theme.id,
                "group": names.get(theme.group_id),
                "text": theme.text,
                "proposed_at": _instant(theme.created_at),
                "picked_for_session": theme.session_id,
            }
            for theme in record.themes
        ],
        "theme_votes": [
            {
                "theme_id": theme.id,
                "group": names.get(theme.group_id),
                "theme": theme.text,
                "voted_at": _instant(vote.voted_at),
            }
            for vote, theme in record.votes
        ],
        "speaking_turns": [
            {
                "group": names.get(group_id),
                "session": turn.session_id,
                "started_at": _instant(turn.started_at),
                "ended_at": _instant(turn.ended_at),
                "round": None if turn.round is None else turn.round.value,
            }
            for group_id, turn in record.turns
        ],
        "break_requests": [
            {
                "group": names.get(group_id),
                "session": pause.session_id,
                "requested_at": _instant(pause.requested_at),
            }
            for group_id, pause in record.pauses
        ],
        "talking_stick": [
            {
                "group": names.get(group_id),
                "session": stick.session_id,
                "holding": stick.holder == user_id,
                "queue_position": stick.queue.index(user_id) + 1
                if user_id in stick.queue
                else None,
                "hand": stick.kind_of(user_id).value if user_id in stick.queue else None,
                "content_notice": stick.notices.get(user_id),
                "raised_a_hand": user_id in stick.hands_raised,
            }
            for group_id, stick in record.places
        ],
        "attendance": [
            {
                "group": names.get(group_id),
                "session": answer.session_id,
                "answer": answer.answer.value,
                "waiting_list": answer.waiting,
                "answered_at": _instant(answer.answered_at),
            }
            for group_id, answer in record.attendance
        ],
        "journal": [
            {"number": entry.number, "written_at": _instant(entry.created_at), "text": entry.text}
            for entry in record.journal
        ],
        "journal_notes_unreadable": record.unreadable_notes,
        "not_stored": (
            "Messages typed in the rooms, what was said during sessions, anonymous break "
            "requests (never linked to anyone)."
        ),
    }


def in_language(data: Any, language: str) -> Any:
    """The export with its keys and its explanation in the reader's language (``data.<key>``
    entries of the catalogs): a French speaker reads ``charte_acceptée_le``, not English."""
    if isinstance(data, list):
        return [in_language(item, language) for item in data]
    if not isinstance(data, dict):
        return data
    shown: dict[str, Any] = {}
    for key, value in data.items():
        text = translate("data.not_stored_text", language) if key == "not_stored" else value
        shown[translate(f"data.{key}", language)] = in_language(text, language)
    return shown


async def my_data(ctx: Context, args: NoArgs) -> list[Reply]:
    platform = ctx.group.platform
    record = await ctx.uow.personal_data.collect(platform, ctx.user_id)
    exported = in_language(export(record, platform, ctx.user_id, ctx.now), ctx.language)
    data = json.dumps(exported, ensure_ascii=False, indent=2)
    reply = private(
        ctx.user_id,
        "privacy.my_data_unreadable_notes" if record.unreadable_notes else "privacy.my_data",
        groups=len(record.memberships),
        notes=len(record.journal) or record.unreadable_notes,
        command=ctx.command_line("forget-me"),
    )
    filename = translate("data.filename", ctx.language)
    attachment = Attachment(filename, "application/json", data.encode())
    return [replace(reply, attachment=attachment, confidential=True)]


@dataclass(frozen=True, slots=True)
class ForgetMe:
    confirm: Annotated[
        Literal["confirm"] | None,
        OneOf(aliases={"confirmer": "confirm", "oui": "confirm", "yes": "confirm"}),
    ]


async def forget_me(ctx: Context, args: ForgetMe) -> list[Reply]:
    if args.confirm != _CONFIRM:
        line = f"{ctx.command_line('forget-me')} {_confirm_word(ctx)}"
        ask = private(ctx.user_id, "privacy.forget_confirm", command=line)
        return [replace(ask, choices=(Choice(line, line),))]
    replies = await _leave_every_stick(ctx)
    freed = await attendance.places_held(ctx)
    await ctx.uow.personal_data.erase(ctx.group.platform, ctx.user_id)
    for group, told in await attendance.give_freed(ctx.uow, freed):
        if group.id == ctx.group.id:
            replies += told
            continue
        # One list per group: its replies' idempotency keys are numbered within it.
        same = next((said for other, said in ctx.elsewhere if other.id == group.id), None)
        if same is None:
            ctx.elsewhere.append((group, told))
        else:
            same += told
    ctx.after_commit.append(lambda: ctx.pending_asks.forget(ctx.user_id))
    ctx.after_commit.append(lambda: ctx.concerns.forget(ctx.user_id))
    return [*replies, private(ctx.user_id, FORGOTTEN)]


async def _leave_every_stick(ctx: Context) -> list[Reply]:
    """Hand the stick on wherever this person holds it or waits, as if they had left: their
    own room gets the replies, other groups' rooms get theirs through ``ctx.elsewhere`` (the
    announcement and the panel without their name), so no room is left waiting on them."""
    record = await ctx.uow.personal_data.collect(ctx.group.platform, ctx.user_id)
    groups = {group.id: (group, member) for group, member in record.memberships}
    replies: list[Reply] = []
    for group_id, stick in record.places:
        session = await ctx.uow.sessions.get(stick.session_id)
        if group_id not in groups or session is None or not stick.involves(ctx.user_id):
            continue
        group, member = groups[group_id]
        here = group_id == ctx.group.id
        local = ctx if here else _context_in(ctx, group, member)
        change = rules.leave(stick, ctx.user_id, ctx.now)
        said = await apply_change(local, session, change)
        if here:
            replies += said
        else:
            ctx.elsewhere.append((group, said))
    return replies


def _context_in(ctx: Context, group: Group, member: Member) -> Context:
    """The same command, seen from another group the person belongs to (same transaction,
    same process memory)."""
    return replace(
        ctx, group=group, member=member, language=group.language, known={}, extra=[], elsewhere=[]
    )


def _confirm_word(ctx: Context) -> str:
    return "confirmer" if ctx.language == "fr" else _CONFIRM
