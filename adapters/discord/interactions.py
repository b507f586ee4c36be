"""An interaction (slash command or button) becomes one command for the core; its replies go
back through :mod:`adapters.discord.delivery`.

Discord wants an answer within 3 seconds.  A command usually takes a few milliseconds, so the
first reply is the answer itself; when the core is slower than ``defer_after`` (a slow disk) or
many interactions already wait for it (a burst: the core runs one command at a time), the
interaction is deferred first and the replies follow."""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Callable

import discord

from adapters.discord.autocomplete import language_of
from adapters.discord.commands import Path
from adapters.discord.delivery import Delivery, plan
from adapters.discord.lines import OptionValue, command_line
from adapters.discord.moderators import Moderators
from adapters.discord.render import NO_MENTIONS
from bot.app import Cercle
from bot.events import Incoming
from bot.handlers.privacy import FORGOTTEN
from bot.i18n import translate
from bot.replies import Outgoing

log = logging.getLogger("cercle.discord")

PLATFORM = "discord"
DEFER_AFTER = 0.1
"""Seconds to wait for the core before deferring (Discord's deadline is 3 s)."""
CROWD = 16
"""With this many interactions already waiting for the core (it runs one command at a time),
a new one is deferred at once rather than after ``DEFER_AFTER``."""


class InteractionRunner:
    def __init__(
        self,
        cercle: Cercle,
        moderators: Moderators,
        delivery: Delivery,
        *,
        defer_after: float = DEFER_AFTER,
    ) -> None:
        self.cercle = cercle
        self.moderators = moderators
        self.delivery = delivery
        self.defer_after = defer_after
        self.handled: list[Callable[[], None]] = []
        """Told after each interaction, its aftermath included (e.g. sessions mirrored)."""
        self._busy: set[asyncio.Task[object]] = set()
        self._idle = asyncio.Event()
        self._idle.set()

    async def drain(self) -> None:
        """Return once no interaction is being handled."""
        await self._idle.wait()

    async def slash(
        self, interaction: discord.Interaction, path: Path, values: dict[str, OptionValue]
    ) -> None:
        await self.run(interaction, command_line(path, values), None)

    async def press(self, interaction: discord.Interaction, line: str, room_id: int | None) -> None:
        await self.run(interaction, line, room_id)

    async def run(self, interaction: discord.Interaction, line: str, room_id: int | None) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._busy.add(task)
        self._idle.clear()
        try:
            await self._run(interaction, line, room_id)
        except Exception as error:
            log_failure("interaction", error)
            await _apologise(interaction)
        finally:
            for listener in self.handled:
                listener()
            self._busy.discard(task)
            if not self._busy:
                self._idle.set()

    async def _run(self, interaction: discord.Interaction, line: str, room_id: int | None) -> None:
        room = room_id if room_id is not None else interaction.channel_id
        if room is None:
            await interaction.response.defer()
            return
        crowded = len(self._busy) > CROWD
        work = asyncio.ensure_future(self._handle(interaction, line, room))
        done, _ = await asyncio.wait({work}, timeout=0 if crowded else self.defer_after)
        deferred = not done
        if deferred:
            await self._defer(interaction)
        outgoing = await work
        found = plan(outgoing, str(interaction.user.id), in_room=interaction.channel_id == room)
        await self.delivery.answer(interaction, found, room, deferred=deferred)
        try:
            await self.delivery.aftermath(room, found)
        except Exception as error:  # the answer is given; the rest is retried at the next change
            log_failure("after an interaction", error)
        await self._tell_if_unreachable(interaction, outgoing)

    async def _handle(
        self, interaction: discord.Interaction, line: str, room_id: int
    ) -> list[Outgoing]:
        user = interaction.user
        incoming = Incoming(
            platform=PLATFORM,
            room_id=str(room_id),
            user_id=str(user.id),
            display_name=user.display_name,
            text=line,
            event_id=f"discord:{interaction.id}",
            is_moderator=await self.moderators.check(interaction, room_id),
            # Nobody else sees a slash command's options (private answers are ephemeral).
            private=True,
        )
        outgoing = await self.cercle.handle(incoming)
        self.delivery.watch.offer(room_id, outgoing)  # at once: in the core's order
        return outgoing

    async def _tell_if_unreachable(
        self, interaction: discord.Interaction, outgoing: list[Outgoing]
    ) -> None:
        """A direct message to this person failed (DMs closed): say so once, ephemerally —
        unless they just asked to be forgotten (then nothing about them is kept)."""
        state = self.delivery.state
        if any(o.reply.key == FORGOTTEN for o in outgoing):
            await state.forget_person(interaction.user.id)
            await self.delivery.direct.forget(interaction.user.id)
            return
        if await state.take_unreachable(interaction.user.id):
            language = outgoing[0].language if outgoing else language_of(interaction)
            await interaction.followup.send(
                translate("dm.closed", language), ephemeral=True, allowed_mentions=NO_MENTIONS
            )

    @staticmethod
    async def _defer(interaction: discord.Interaction) -> None:
        log.info("deferring an interaction", extra={"interaction": interaction.id})
        if interaction.type is discord.InteractionType.component:
            await interaction.response.defer()
        else:
            await interaction.response.defer(ephemeral=True, thinking=True)


async def _apologise(interaction: discord.Interaction) -> None:
    """Tell the person something went wrong (never silence), if Discord still lets us."""
    text = translate("error.internal", language_of(interaction))
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(
                text, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
    except discord.HTTPException as error:
        log.warning("could not apologise: %s", type(error).__name__)


def log_failure(what: str, error: BaseException) -> None:
    """Where it failed, never the exception's message (it could quote a member's words)."""
    frames = " < ".join(
        f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno} {frame.name}"
        for frame in reversed(traceback.extract_tb(error.__traceback__))
    )
    log.error("%s failed with %s at %s", what, type(error).__name__, frames)
