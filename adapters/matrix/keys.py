"""The end-to-end encryption chores ``sync_forever`` would do: upload our keys, learn the
members' devices, claim one-time keys and send the queued to-device messages (room keys)."""

from __future__ import annotations

import asyncio

from nio import AsyncClient


class KeyChores:
    def __init__(self, client: AsyncClient) -> None:
        self.client = client
        self._lock = asyncio.Lock()

    async def run(self) -> None:
        """Bring keys up to date.  Called after every sync and before every encrypted send, so
        a member who just joined gets the room key with the bot's very next reply."""
        client = self.client
        if client.olm is None:
            return
        async with self._lock:
            if client.should_upload_keys:
                await client.keys_upload()
            if client.should_query_keys:
                await client.keys_query()
            if client.should_claim_keys:
                await client.keys_claim(client.get_users_for_key_claiming())
            if client.outgoing_to_device_messages:
                await client.send_to_device_messages()
