"""The end-to-end encryption chores ``sync_forever`` would do: upload our keys, learn the
members' devices, claim one-time keys and send the queued to-device messages (room keys).

They run one at a time (a lock): two concurrent key queries would race for the same set of
users, and a reply could then be encrypted before a member's new device is known, leaving that
member unable to read it.
"""

from __future__ import annotations

import asyncio

from nio import AsyncClient


class KeyChores:
    def __init__(self, client: AsyncClient) -> None:
        self.client = client
        self._lock = asyncio.Lock()

    async def run(self) -> None:
        """Bring keys up to date (after every sync)."""
        if self.client.olm is None:
            return
        async with self._lock:
            await self._chores()

    async def before_send(self, room_id: str) -> None:
        """Before an encrypted send in ``room_id``: know its members and every device of
        theirs, so nio shares the room key with all of them (nio would otherwise fetch the
        members itself, outside this lock)."""
        client = self.client
        if client.olm is None:
            return
        async with self._lock:
            room = client.rooms.get(room_id)
            if room is not None and room.encrypted and not room.members_synced:
                await client.joined_members(room_id)
            await self._chores()

    async def _chores(self) -> None:
        client = self.client
        if client.should_upload_keys:
            await client.keys_upload()
        if client.should_query_keys:
            await client.keys_query()
        if client.should_claim_keys:
            await client.keys_claim(client.get_users_for_key_claiming())
        if client.outgoing_to_device_messages:
            await client.send_to_device_messages()
