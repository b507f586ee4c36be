"""The fake Discord itself: it fails the test on what real Discord would refuse."""

from __future__ import annotations

import json
import os
import re
import time
from typing import Any

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


async def _call(
    fake: FakeDiscord, method: str, path: str, body: object
) -> tuple[int, dict[str, Any]]:
    headers = {"Content-Type": "application/json", "Authorization": f"Bot {fake.token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.request(
            method,
            f"http://127.0.0.1:{fake.port}/api/v10{path}",
            data=json.dumps(body),
            headers=headers,
        ) as response,
    ):
        return response.status, await response.json(content_type=None)


async def test_scheduled_events_follow_discords_rules(fake: FakeDiscord, world: World) -> None:
    events = f"/guilds/{world.guild.id}/scheduled-events"
    past = "2020-01-01T10:00:00+00:00"
    start, end = "2100-01-01T10:00:00+00:00", "2100-01-01T11:30:00+00:00"
    external = {
        "name": "Séance",
        "privacy_level": 2,
        "entity_type": 3,
        "entity_metadata": {"location": "https://discord.com/channels/1/2"},
        "scheduled_start_time": start,
    }
    status, _ = await _call(fake, "POST", events, external)
    assert status == 400, "an external event needs an end"
    status, _ = await _call(fake, "POST", events, {**external, "scheduled_start_time": past})
    assert status == 400, "not in the past"
    status, created = await _call(fake, "POST", events, {**external, "scheduled_end_time": end})
    assert status == 200
    event = f"{events}/{created['id']}"
    status, _ = await _call(fake, "PATCH", event, {"scheduled_start_time": past})
    assert status == 400, "not moved into the past either"
    status, _ = await _call(fake, "PATCH", event, {"status": 3})
    assert status == 400, "SCHEDULED → COMPLETED is not a transition"
    assert (await _call(fake, "PATCH", event, {"status": 2}))[0] == 200
    assert (await _call(fake, "PATCH", event, {"status": 3}))[0] == 200
    status, answer = await _call(fake, "PATCH", event, {"description": "encore"})
    assert (status, answer["code"]) == (400, 180000), "a finished event is not changed any more"
    assert fake.failures == []


async def _answer(
    fake: FakeDiscord, method: str, path: str, body: object
) -> tuple[int, dict[str, Any], dict[str, str]]:
    headers = {"Content-Type": "application/json", "Authorization": f"Bot {fake.token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.request(
            method,
            f"http://127.0.0.1:{fake.port}/api/v10{path}",
            data=json.dumps(body),
            headers=headers,
        ) as response,
    ):
        return response.status, await response.json(content_type=None), dict(response.headers)


def _said(text: str) -> dict[str, Any]:
    return {"content": text, "allowed_mentions": {"parse": []}}


async def test_rate_limits_answer_429_as_discord_does(fake: FakeDiscord, world: World) -> None:
    fake.limits.bucket(("POST", "/channels/{channel_id}/messages"), limit=2, per=30.0)
    path = f"/channels/{world.room.id}/messages"
    first = await _answer(fake, "POST", path, _said("un"))
    assert first[0] == 200
    assert first[2]["X-RateLimit-Limit"] == "2"
    assert first[2]["X-RateLimit-Remaining"] == "1"
    assert 29 < float(first[2]["X-RateLimit-Reset-After"]) <= 30
    assert first[2]["X-RateLimit-Bucket"] == "fake01"
    assert (await _answer(fake, "POST", path, _said("deux")))[2]["X-RateLimit-Remaining"] == "0"
    status, body, headers = await _answer(fake, "POST", path, _said("trois"))
    assert status == 429
    assert body["global"] is False
    assert 29 < body["retry_after"] <= 30
    assert headers["Retry-After"] == "30"
    assert headers["X-RateLimit-Scope"] == "user"
    assert headers["Via"]
    assert fake.texts(world.room) == ["un", "deux"], "refused, not done"
    # Another channel has a window of its own.
    other = f"/channels/{world.voice.id}/messages"
    assert (await _answer(fake, "POST", other, _said("ailleurs")))[0] == 200

    fake.limits.per_second(1)
    assert (await _answer(fake, "GET", f"/channels/{world.room.id}", None))[0] == 200
    status, body, headers = await _answer(fake, "GET", f"/channels/{world.room.id}", None)
    assert status == 429
    assert body["global"] is True
    assert headers["X-RateLimit-Global"] == "true"
    assert headers["X-RateLimit-Scope"] == "global"
    assert fake.failures == [], "every answer fits Discord's description, headers included"


async def test_direct_message_channels_are_counted(fake: FakeDiscord, world: World) -> None:
    for user in (world.bob, world.cat, world.bob):
        status, _, _ = await _answer(
            fake, "POST", "/users/@me/channels", {"recipient_id": str(user.id)}
        )
        assert status == 200
    assert len(fake.dm_opens) == 3, "every ask counts, even for a channel that exists"
    assert fake.most_dm_opens(within=1.0) == 3
    fake.dm_opens[:] = [0.0, 0.5, 2.0, 2.4, 2.6]
    assert fake.most_dm_opens(within=1.0) == 3
    assert fake.most_dm_opens(within=0.3) == 2
