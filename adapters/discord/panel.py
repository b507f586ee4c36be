"""The stick panel: one embed message per room and session, edited in place, closed when the
session ends.  Its message id is kept in the database so a restarted bot edits the same one."""

from __future__ import annotations

import contextlib
import logging

import discord

from adapters.discord.buttons import panel_view
from adapters.discord.render import NO_MENTIONS, panel_embed
from adapters.discord.state import AdapterState, PanelRecord
from bot.replies import Outgoing

log = logging.getLogger("cercle.discord")


class PanelMessages:
    def __init__(self, client: discord.Client, state: AdapterState) -> None:
        self.client = client
        self.state = state

    async def show(self, room_id: int, current: Outgoing | None) -> None:
        """Bring the room's panel message in line with ``current`` (``None``: no open session)."""
        record = await self.state.panel(room_id)
        if current is None:
            if record is not None:
                await self._close(room_id, record)
            return
        session = current.idempotency_key  # the same for every panel of one session
        embed = panel_embed(current, current.language)
        if record is not None and record.session == session:
            try:
                await self._edit(room_id, record.message_id, embed, current.language)
            except discord.NotFound:
                log.info("panel message gone; posting a new one", extra={"room": room_id})
            else:
                if record.language != current.language:
                    await self.state.put_panel(
                        room_id, PanelRecord(record.message_id, session, current.language)
                    )
                return
        elif record is not None:
            await self._close(room_id, record)
        channel = self.client.get_partial_messageable(room_id)
        sent = await channel.send(
            embed=embed, view=panel_view(current.language), allowed_mentions=NO_MENTIONS
        )
        await self.state.put_panel(room_id, PanelRecord(sent.id, session, current.language))

    async def _edit(
        self, room_id: int, message_id: int, embed: discord.Embed, language: str
    ) -> None:
        message = self.client.get_partial_messageable(room_id).get_partial_message(message_id)
        await message.edit(embed=embed, view=panel_view(language), allowed_mentions=NO_MENTIONS)

    async def _close(self, room_id: int, record: PanelRecord) -> None:
        channel = self.client.get_partial_messageable(room_id)
        message = channel.get_partial_message(record.message_id)
        with contextlib.suppress(discord.NotFound):  # deleted by hand: nothing to close
            await message.edit(
                embed=panel_embed(None, record.language), view=None, allowed_mentions=NO_MENTIONS
            )
        await self.state.drop_panel(room_id)
