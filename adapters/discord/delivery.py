"""Where each reply goes: into the conversation of an interaction (public, or ephemeral when it
is for the person who acted), by direct message (private replies for someone else, timed
reminders and nudges), to the room (timed announcements), or to the room's panel."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import discord

from adapters.discord.announce import Announcer, coalescible
from adapters.discord.direct import DirectChannels
from adapters.discord.events import EventMirror, changes_sessions
from adapters.discord.lanes import Lanes
from adapters.discord.render import Message, message, nonce
from adapters.discord.state import AdapterState
from adapters.discord.watch import StickWatch
from bot.replies import Audience, Outgoing, Tone

log = logging.getLogger("cercle.discord")

CANNOT_DM = 50007
"""Discord's error code when a member does not accept direct messages."""
UNKNOWN_CHANNEL = 10003


@dataclass(slots=True)
class Plan:
    conversation: list[Outgoing] = field(default_factory=list)
    """What answers the interaction: room messages (when it happened in the room) and private
    replies for the person who acted, in order."""
    room: list[Outgoing] = field(default_factory=list)
    """Room messages caused from elsewhere (a button in a direct message): posted in the room."""
    direct: list[Outgoing] = field(default_factory=list)
    """Private replies for someone else: by direct message."""
    stick_changed: bool = False
    sessions_changed: bool = False
    """The room's sessions may have changed: its scheduled events get a look."""


def plan(outgoing: list[Outgoing], user_id: str, *, in_room: bool) -> Plan:
    found = Plan()
    for item in outgoing:
        reply = item.reply
        if changes_sessions(reply.key):
            found.sessions_changed = True
        if reply.tone is Tone.PANEL:
            found.stick_changed = True
        elif reply.audience is Audience.PRIVATE:
            (found.conversation if reply.user_id == user_id else found.direct).append(item)
        else:
            (found.conversation if in_room else found.room).append(item)
    return found


def is_private(outgoing: Outgoing) -> bool:
    return outgoing.reply.audience is Audience.PRIVATE


class Delivery:
    def __init__(
        self,
        client: discord.Client,
        watch: StickWatch,
        events: EventMirror,
        state: AdapterState,
        *,
        direct: DirectChannels,
        lanes: Lanes,
        announcer: Announcer,
    ) -> None:
        self.client = client
        self.watch = watch
        self.events = events
        self.state = state
        self.direct = direct
        self.lanes = lanes
        self.announcer = announcer

    # --- replies to an interaction --------------------------------------------------------------
    async def answer(
        self, interaction: discord.Interaction, found: Plan, room_id: int, *, deferred: bool
    ) -> None:
        """Acknowledge (when not done yet) and say everything meant for the conversation."""
        self._hold_back(found, room_id, deferred=deferred)
        rest = list(found.conversation)
        component = interaction.type is discord.InteractionType.component
        if not deferred:
            if rest:
                first = rest.pop(0)
                await interaction.response.send_message(
                    **message(first, room_id).kwargs(), ephemeral=is_private(first)
                )
            elif component:
                await interaction.response.defer()
            else:  # nothing to say here (everything went elsewhere): close the exchange
                await interaction.response.defer(ephemeral=True, thinking=True)
                await interaction.delete_original_response()
        elif not component:  # deferred as an ephemeral "thinking…": it becomes a private reply
            mine = next((o for o in rest if is_private(o)), None)
            if mine is None:
                await interaction.delete_original_response()
            else:
                rest.remove(mine)
                await interaction.edit_original_response(**_edit(message(mine, room_id)))
        for item in rest:
            await interaction.followup.send(
                **message(item, room_id).kwargs(), ephemeral=is_private(item)
            )

    def _hold_back(self, found: Plan, room_id: int, *, deferred: bool) -> None:
        """The interaction's own answer never waits (Discord does not limit it).  Its public
        follow-ups count against the channel (Discord limits them there too); while the
        channel is busy (a burst, a 429), an announcement among them that reads well merged (a
        hand raised…) joins the room's queue instead: it is said there with the others
        waiting, in order, and the interaction is closed at once."""
        kept: list[Outgoing] = []
        for item in found.conversation:
            own_answer = not deferred and not kept
            if own_answer or is_private(item):
                kept.append(item)
            elif coalescible(item) and self.announcer.behind(room_id):
                found.room.append(item)
            else:
                kept.append(item)
                self.announcer.spent(room_id)
        found.conversation = kept

    async def aftermath(self, room_id: int, found: Plan) -> None:
        """What follows an answer: room messages, direct messages, the panel, the event."""
        if found.room:
            await self.announcer.announce(found.room)
        for item in found.direct:
            await self.direct_message(item)
        if found.stick_changed:
            await self.watch.refresh(room_id)
        if found.sessions_changed:
            await self.events.reconcile(room_id)

    # --- replies outside any interaction (Platform.send) ----------------------------------------
    async def send(self, outgoing: Outgoing) -> None:
        room_id = int(outgoing.room_id)
        if outgoing.reply.tone is Tone.PANEL:
            await self.watch.refresh(room_id)
        elif is_private(outgoing):
            await self.lanes.after_rooms()  # timed and private: bulk, after the rooms
            await self.direct_message(outgoing)
        else:
            await self.room_message(outgoing)
        if changes_sessions(outgoing.reply.key):
            try:
                await self.events.reconcile(room_id)
            except Exception as error:  # the message is out: the next change tries again
                log.warning("mirroring sessions failed with %s", type(error).__name__)

    async def room_message(self, outgoing: Outgoing) -> None:
        """A timed announcement: through the room's queue (the core may send it again)."""
        await self.announcer.announce([outgoing], retried=True)

    async def direct_message(self, outgoing: Outgoing) -> None:
        """By the member's direct-message channel: the one known, else a new one, opened at
        the pace Discord tolerates (see :mod:`adapters.discord.direct`)."""
        raw = outgoing.reply.user_id
        if raw is None or not raw.isdigit():
            return
        user_id = int(raw)
        kwargs = message(outgoing, int(outgoing.room_id)).kwargs()
        try:
            channel = await self.direct.channel(user_id)
            try:
                await channel.send(**kwargs, nonce=nonce(outgoing.idempotency_key))
            except discord.NotFound as error:
                if error.code != UNKNOWN_CHANNEL:
                    raise
                await self.direct.forget(user_id)  # the remembered channel is gone: a new one
                channel = await self.direct.channel(user_id)
                await channel.send(
                    **message(outgoing, int(outgoing.room_id)).kwargs(),
                    nonce=nonce(outgoing.idempotency_key),
                )
        except discord.Forbidden as error:
            if error.code != CANNOT_DM:
                raise
            # Not retried (it would fail again): remembered, and they are told at their next
            # command, once, privately (see InteractionRunner).
            log.info("a member does not accept direct messages", extra={"key": outgoing.reply.key})
            await self.state.mark_unreachable(user_id)


def _edit(found: Message) -> dict[str, Any]:
    """``send`` arguments as ``edit_original_response`` takes them."""
    kwargs = found.kwargs()
    file = kwargs.pop("file", None)
    if file is not None:
        kwargs["attachments"] = [file]
    return kwargs
