"""What arrives in a sync, turned into calls to the core.

- invitations: accepted when the inviter is allowed (``allowed_inviters``), declined otherwise;
- the bot's own join after an invitation: the group is created and welcomed with the charter;
- ``!`` commands and reactions on the stick panel: handed to the core as the person who sent them;
- someone joining a group room: welcomed once by the core;
- an event the bot cannot decrypt: a short notice asking to send it again (once per sender's
  key session), never a crash.

Ignored: the first sync's backlog, everything before the bot's own join, the bot's own events,
notices (other bots), edits, and commands older than ``stale_after``.  An event is marked done in
the sync cursor once the core has handled it and its replies are in the outbox: a crash before
that fetches the batch again and hands the event over again, and the core, which remembers the
events it applied (in the command's own transaction), applies it once — nothing is lost, nothing
runs twice.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Sequence

from nio import (
    AsyncClient,
    Event,
    InviteInfo,
    InviteMemberEvent,
    JoinResponse,
    MatrixRoom,
    MegolmEvent,
    ReactionEvent,
    RoomInfo,
    RoomMemberEvent,
    RoomMessageText,
    SyncResponse,
)

from adapters.config import MatrixConfig
from adapters.matrix.delivery import Delivery, Kind
from adapters.matrix.outbox import PLATFORM, Outbox
from adapters.matrix.power import Creations, is_moderator
from adapters.matrix.reactions import command_for, plain
from adapters.matrix.render import to_html, transaction_id
from adapters.matrix.state import MatrixState
from adapters.matrix.texts import undecryptable
from adapters.pacing import Urgency
from bot.app import Cercle
from bot.events import Incoming

log = logging.getLogger("cercle.matrix")

STALE_AFTER = 15 * 60.0
"""Commands older than this (seconds) when they reach the bot are not run: a ``hand`` typed
an hour ago while the bot was down would only confuse the room."""


def inviter_allowed(inviter: str, allowed: Sequence[str]) -> bool:
    """Empty means everyone; ``@u:server`` is one user, ``:server`` everyone on that server."""
    if not allowed:
        return True
    return any(
        inviter.endswith(entry) if entry.startswith(":") else inviter == entry for entry in allowed
    )


def strip_reply_fallback(body: str) -> str:
    """A reply's body may start with the quoted message (``> <@ann:hs> …`` lines, then a blank
    line): the command is what follows."""
    lines = body.split("\n")
    if not lines or not lines[0].startswith("> "):
        return body
    rest = list(itertools.dropwhile(lambda line: line.startswith(">"), lines))
    return "\n".join(rest).lstrip("\n")


class Inbound:
    def __init__(  # noqa: PLR0917 - the collaborators, each of its own kind
        self,
        client: AsyncClient,
        cercle: Cercle,
        state: MatrixState,
        outbox: Outbox,
        config: MatrixConfig,
        creations: Creations,
        *,
        stale_after: float = STALE_AFTER,
    ) -> None:
        self.client = client
        self.cercle = cercle
        self.state = state
        self.outbox = outbox
        self.config = config
        self.creations = creations
        self.stale_after = stale_after
        self._told_undecryptable: set[tuple[str, str, str]] = set()

    @property
    def me(self) -> str:
        return str(self.client.user_id)

    async def process(self, response: SyncResponse, *, initial: bool) -> None:
        """Act on one sync response.  ``initial``: the very first sync of this bot (no stored
        token): only state and invitations count, the timeline is history."""
        for room_id, invite in response.rooms.invite.items():
            await self._invited(room_id, invite)
        for room_id, info in response.rooms.join.items():
            self.creations.note(room_id, [*info.state, *info.timeline.events])
            if not initial:
                await self._timeline(room_id, info)
        for room_id in response.rooms.leave:
            await self._left(room_id)

    # --- invitations and the bot's own membership ---------------------------------------------

    async def _invited(self, room_id: str, invite: InviteInfo) -> None:
        found = next(
            (
                e
                for e in invite.invite_state
                if isinstance(e, InviteMemberEvent)
                and e.state_key == self.me
                and e.membership == "invite"
            ),
            None,
        )
        if found is None:
            return
        inviter = found.sender
        if not inviter_allowed(inviter, self.config.allowed_inviters):
            log.info("declining an invitation from a user not allowed", extra={"room": room_id})
            await self.client.room_leave(room_id)
            return
        if found.content.get("is_direct") is True:
            # A member opened a direct chat with the bot: it becomes their direct room.
            await self.state.set_dm_room(inviter, room_id)
        else:
            await self.state.set_inviter(room_id, inviter)
        answer = await self.client.join(room_id)
        if isinstance(answer, JoinResponse):
            log.info("joined a room", extra={"room": room_id})
        else:
            log.warning("could not join a room (%s)", answer.status_code, extra={"room": room_id})

    async def _left(self, room_id: str) -> None:
        partner = self.state.dm_partner(room_id)
        if partner is not None:
            await self.state.forget_dm_room(partner)
        if room_id in self.state.panels:
            await self.state.forget_panel(room_id)

    # --- timelines ----------------------------------------------------------------------------

    async def _timeline(self, room_id: str, info: RoomInfo) -> None:
        events = list(info.timeline.events)
        # Nothing from before the bot's own join is answered.
        for index in range(len(events) - 1, -1, -1):
            event = events[index]
            if self._is_own_join(event):
                events = events[index + 1 :]
                assert isinstance(event, RoomMemberEvent)
                if event.prev_membership == "invite" and not self.is_direct_room(room_id):
                    await self._welcome(room_id, event)
                break
        for event in events:
            if event.event_id in self.state.cursor.done:
                continue
            await self._event(room_id, event)

    def _is_own_join(self, event: object) -> bool:
        return (
            isinstance(event, RoomMemberEvent)
            and event.state_key == self.me
            and event.membership == "join"
            and event.prev_membership != "join"
        )

    async def _event(self, room_id: str, event: object) -> None:
        partner = self.state.dm_partner(room_id)
        if partner is not None or self._created_by_me(room_id):
            await self._direct_event(room_id, partner, event)
            return
        sender = getattr(event, "sender", None)
        if sender == self.me or sender is None:
            return
        room = self.client.rooms.get(room_id)
        if room is None:
            return
        if isinstance(event, RoomMessageText):
            text = self._command_text(event)
            if text is not None:
                await self._command(room, event, text)
        elif isinstance(event, ReactionEvent):
            panel = self.state.panels.get(room_id)
            command = command_for(event.key)
            if panel is not None and event.reacts_to == panel.event_id and command is not None:
                await self._command(room, event, command)
            elif (
                answer := self.state.answer(room_id, event.reacts_to, plain(event.key))
            ) is not None:
                await self._answered(room, event, answer)
        elif isinstance(event, MegolmEvent):
            await self._undecryptable(room_id, event)
        elif isinstance(event, RoomMemberEvent) and event.prev_membership == "join":
            if event.membership in ("leave", "ban") and event.state_key != self.me:
                await self._member_left(room, event)
        elif (
            isinstance(event, RoomMemberEvent)
            and event.membership == "join"
            and event.prev_membership != "join"
        ):
            await self._member_joined(room, event)

    def _command_text(self, event: RoomMessageText) -> str | None:
        content = event.source.get("content", {})
        relation = content.get("m.relates_to", {})
        if "m.new_content" in content or relation.get("rel_type") == "m.replace":
            return None  # an edit: the command ran (or not) when first sent
        body = event.body
        if "m.in_reply_to" in relation:
            body = strip_reply_fallback(body)
        body = body.strip()
        prefix = self.config.command_prefix
        if not body.startswith(prefix):
            return None
        text = body[len(prefix) :].strip()
        return text or None

    async def _answered(self, room: MatrixRoom, event: ReactionEvent, command: str) -> None:
        """A reaction that answers a notice (the reminder's ✅ ❔ ❌): the core runs it as the
        member's command and answers privately; the reaction is then taken out of the room, so
        that only the member and the moderators know the answer."""
        await self._command(room, event, command, private=True)
        redaction = Delivery(
            kind=Kind.REDACTION,
            room_id=room.room_id,
            body="",
            html="",
            txn=transaction_id(f"{self.state.epoch}:redact:{event.event_id}"),
            language=self.outbox.courier.languages.get(room.room_id, self.cercle.defaults.language),
            urgency=Urgency.ANSWER,
            target=event.event_id,
        )
        await self.outbox.submit_deliveries([redaction])

    async def _command(
        self,
        room: MatrixRoom,
        event: Event,
        text: str,
        *,
        group: str | None = None,
        private: bool = False,
    ) -> None:
        """Hand one command to the core as ``event``'s sender.  ``group``: the group room it
        acts in, when it was typed in a direct room; ``private``: nobody else saw it (a
        reaction the bot takes back at once)."""
        event_id, sender = event.event_id, event.sender
        if time.time() - event.server_timestamp / 1000 > self.stale_after:
            log.info("ignoring a stale command", extra={"room": room.room_id})
            return
        target = self.client.rooms.get(group) if group else room
        if target is None:
            return
        incoming = Incoming(
            platform=PLATFORM,
            room_id=target.room_id,
            user_id=sender,
            display_name=_name(target, sender),
            text=text,
            event_id=event_id,
            is_moderator=await self._moderator(target, sender),
            private=private or group is not None,
        )
        await self.outbox.submit(await self.cercle.handle(incoming), Urgency.ANSWER)
        await self.state.mark_done(event_id)

    async def moderator_now(self, room_id: str, user_id: str) -> bool | None:
        """For the core (:class:`bot.ports.ModeratorCheck`): the room's live power levels."""
        room = self.client.rooms.get(room_id)
        return None if room is None else await self._moderator(room, user_id)

    async def _moderator(self, room: MatrixRoom, user_id: str) -> bool:
        return await is_moderator(room, user_id, self.creations, self.config.moderator_power_level)

    async def _welcome(self, room_id: str, join: RoomMemberEvent) -> None:
        """The bot joined after an invitation: its group is created and the inviter (in the
        room's sight) is welcomed and shown the charter."""
        room = self.client.rooms.get(room_id)
        if room is None or join.event_id in self.state.cursor.done:
            return
        inviter = await self.state.inviter(room_id)
        if inviter is None:
            creation = await self.creations.of(room_id)
            inviter = creation.sender if creation is not None else None
        if inviter is None or inviter == self.me:
            return
        incoming = Incoming(
            PLATFORM,
            room_id,
            inviter,
            _name(room, inviter),
            "rules",
            join.event_id,
            await self._moderator(room, inviter),
        )
        await self.outbox.submit(await self.cercle.handle(incoming), Urgency.ANSWER)
        await self.state.mark_done(join.event_id)
        await self.state.forget_inviter(room_id)

    async def _member_joined(self, room: MatrixRoom, event: RoomMemberEvent) -> None:
        user_id = event.state_key
        # Safe to repeat after a crash: the core welcomes only someone it does not know yet.
        replies = await self.cercle.member_joined(
            PLATFORM,
            room.room_id,
            user_id,
            _name(room, user_id),
            is_moderator=await self._moderator(room, user_id),
        )
        # Joining is the newcomer's own act: their welcome is an answer, not a bulk message.
        await self.outbox.submit(replies, Urgency.ANSWER)
        await self.state.mark_done(event.event_id)

    async def _member_left(self, room: MatrixRoom, event: RoomMemberEvent) -> None:
        """Left, kicked or banned: the core keeps their place in line for a grace period."""
        await self.cercle.member_left(PLATFORM, room.room_id, event.state_key)
        await self.state.mark_done(event.event_id)

    async def _undecryptable(self, room_id: str, event: MegolmEvent) -> None:
        told = (room_id, event.sender, event.session_id)
        if told in self._told_undecryptable:
            return
        self._told_undecryptable.add(told)
        await self.state.mark_done(event.event_id)
        log.info("an event could not be decrypted", extra={"room": room_id})
        language = self.outbox.courier.languages.get(room_id, self.cercle.defaults.language)
        text = undecryptable(language)
        await self.outbox.submit_deliveries(
            [
                Delivery(
                    kind=Kind.ROOM,
                    room_id=room_id,
                    body=text,
                    html=to_html(text),
                    txn=transaction_id(f"{self.state.epoch}:undecryptable:{event.event_id}"),
                    language=language,
                    reply_to=event.event_id,
                    urgency=Urgency.ANSWER,
                )
            ]
        )

    # --- direct rooms -------------------------------------------------------------------------

    def is_direct_room(self, room_id: str) -> bool:
        return self.state.dm_partner(room_id) is not None or self._created_by_me(room_id)

    def _created_by_me(self, room_id: str) -> bool:
        creation = self.creations.known(room_id)
        return creation is not None and creation.sender == self.me

    async def _direct_event(self, room_id: str, partner: str | None, event: object) -> None:
        """A direct room is not a group: commands typed there act in the group that last
        wrote to the member privately (``agree`` after a welcome, ``pause anon``…)."""
        if partner is None:
            return
        if isinstance(event, RoomMemberEvent) and event.state_key == partner:
            if event.membership in ("leave", "ban"):
                await self.state.forget_dm_room(partner)
                await self.client.room_leave(room_id)
            return
        if not isinstance(event, RoomMessageText) or event.sender != partner:
            return
        text = self._command_text(event)
        group = self.state.dm_groups.get(partner)
        room = self.client.rooms.get(room_id)
        if text is None or group is None or room is None:
            return
        await self._command(room, event, text, group=group)


def _name(room: MatrixRoom, user_id: str) -> str:
    return room.user_name(user_id) or user_id
