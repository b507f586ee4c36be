"""The fake Discord itself: it fails the test on what real Discord would refuse."""

from __future__ import annotations

import json
import os
import re
import time

import aiohttp
import pytest
from discord_fake import Exchange, FakeDiscord, OpenApi
from discord_fake.exchanges import APPLICATION_COMMAND
from discord_harness import Bot, World

pytestmark = pytest.mark.skipif(
    not os.environ.get("CERCLE_DISCORD_OPENAPI"), reason="needs CERCLE_DISCORD_OPENAPI"
)


async def _post(fake: FakeDiscord, path: str, body: object, auth: bool = True) -> int:
    headers = {"Content-Type": "application/json"}
    if auth:
        headers["Authorization"] = f"Bot {fake.token}"
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"http://127.0.0.1:{fake.port}/api/v10{path}", data=json.dumps(body), headers=headers
        ) as response,
    ):
        return response.status


async def test_unknown_routes_and_bad_payloads_are_failures(
    fake: FakeDiscord, world: World
) -> None:
    assert await _post(fake, "/channels/1/typing", {}) == 404
    assert fake.failures == ["unknown route POST /api/v10/channels/1/typing"]
    fake.failures.clear()
    assert await _post(fake, f"/channels/{world.room.id}/messages", {"content": 12}) == 400
    assert any("content" in f for f in fake.failures)
    fake.failures.clear()


async def test_an_answer_after_three_seconds_is_refused(fake: FakeDiscord, world: World) -> None:
    exchange = Exchange(
        fake.ids.next(), "token", APPLICATION_COMMAND, world.bob, world.room, world.guild, {}
    )
    exchange.dispatched_at = time.perf_counter() - 3.5  # Discord sent it 3.5 s ago
    fake.exchanges[exchange.id] = exchange
    path = f"/interactions/{exchange.id}/token/callback"
    assert await _post(fake, path, {"type": 4, "data": {"content": "x"}}, auth=False) == 404
    assert exchange.late
    [failure] = fake.failures
    assert re.fullmatch(
        rf"interaction {exchange.id} answered after 3\.\d\d s \(deadline 3 s\)", failure
    )
    fake.failures.clear()


async def test_member_messages_never_reach_the_bot(
    fake: FakeDiscord, world: World, bot: Bot
) -> None:
    message = fake.new_message(world.room, world.bob, {"content": "hand"}, [])
    assert not fake.gateway.dispatch("MESSAGE_CREATE", message.json()), "no message intent"
    assert OpenApi.from_environment() is fake.openapi
