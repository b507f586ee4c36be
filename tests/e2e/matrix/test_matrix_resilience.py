"""The bot killed mid-session, the homeserver going away, the homeserver saying "slow down"."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from conftest import MakeBot, MakeMember
from matrix_members import (
    WAIT,
    BotProcess,
    Member,
    eventually,
    is_edit_of,
    is_reaction,
    open_group,
)
from matrix_synapse_server import SynapseServer

pytestmark = pytest.mark.e2e


@pytest.fixture
async def bot_process(synapse: SynapseServer, tmp_path: Path) -> AsyncIterator[BotProcess]:
    account = await synapse.register(synapse.fresh_name("cercle"))
    folder = tmp_path / "process"
    folder.mkdir()
    process = BotProcess(synapse, account, folder)
    process.start()
    try:
        yield process
    finally:
        process.close()


def once(person: Member, text: str, room_id: str) -> None:
    found = person.notices(text, room_id)
    assert len(found) == 1, f"{text!r} was said {len(found)} times"


async def test_killed_mid_session_and_restarted(
    member: MakeMember, bot_process: BotProcess
) -> None:
    mona, bob, cat, dan = (
        await member("mona"),
        await member("bob"),
        await member("cat"),
        await member("dan"),
    )
    group = await open_group(bot_process, mona, [bob, cat, dan])
    room = group.room_id
    mark = mona.mark()
    await mona.say(room, "!session start")
    panel = await mona.notice("Speaking: nobody", room_id=room, after=mark)
    await bob.say(room, "!hand")
    await mona.notice("Bob has the talking stick", room_id=room, after=mark)
    await cat.say(room, "!hand")
    await mona.notice("Cat raised their hand (number 1 in line)", room_id=room, after=mark)
    await mona.say(room, "!hand")
    await mona.notice("Mona raised their hand (number 2 in line)", room_id=room, after=mark)

    bot_process.kill()  # no time to store anything more
    await dan.say(room, "!hand")  # while the bot is down
    bot_process.start()

    await mona.notice(
        "Dan raised their hand (number 3 in line)", room_id=room, after=mark, timeout=60
    )
    await mona.wait_for(is_edit_of(panel.event.event_id, "Speaking: Bob · waiting: Cat, Mona"))
    await mona.say(room, "!queue")
    queue = await mona.notice("Speaking: Bob · waiting: Cat, Mona, and Dan", after=mark)
    assert queue.room_id != room, "the queue is shown privately"

    for text in (
        "The session is open",
        "Bob has the talking stick",
        "Cat raised their hand",
        "Mona raised their hand",
        "Dan raised their hand",
    ):
        once(mona, text, room)
    assert len(mona.notices("🎤 Speaking:", room)) == 1, "the panel was not posted again"

    assert bot_process.terminate() == 0, "SIGTERM stops the bot cleanly"
    log = bot_process.log()
    assert "matrix stopped" in log
    assert "Traceback" not in log
    for secret_or_words in (bot_process.account.password, "!hand", "raised their hand"):
        assert secret_or_words not in log, "logs carry neither secrets nor message text"


async def test_the_bot_recovers_when_the_homeserver_comes_back(
    tmp_path: Path, member: MakeMember, bot: MakeBot
) -> None:
    server = SynapseServer(tmp_path / "own-synapse")
    server.start()
    try:
        cercle = await bot(server)
        mona, bob = await member("mona", server), await member("bob", server)
        group = await open_group(cercle, mona, [bob])
        room = group.room_id
        mark = mona.mark()
        await mona.say(room, "!session start")
        await mona.notice("Speaking: nobody", room_id=room, after=mark)

        assert cercle.platform is not None
        sync = cercle.platform.sync
        assert sync is not None
        server.stop()
        await eventually(lambda: sync.failures > 0)  # the bot saw the homeserver go away
        server.start()

        await bob.say(room, "!hand")
        await mona.notice("Bob has the talking stick", room_id=room, after=mark, timeout=60)
        await mona.say(room, "!hand")
        await mona.notice("Mona raised their hand (number 1 in line)", room_id=room, after=mark)
        once(mona, "The session is open", room)
        once(mona, "Bob has the talking stick", room)
        await cercle.stop()
    finally:
        for person in (locals().get("mona"), locals().get("bob")):
            if person is not None:
                await person.close()
        server.stop()


async def test_rate_limits_are_waited_out_without_losing_replies(
    synapse: SynapseServer, member: MakeMember, bot: MakeBot
) -> None:
    cercle = await bot()
    mona, bob = await member("mona"), await member("bob")
    group = await open_group(cercle, mona, [bob])
    room = group.room_id
    # Two messages a second, no burst: the six events answering one command meet 429s.
    admin = await synapse.register(synapse.fresh_name("admin"), admin=True)
    path = f"/_synapse/admin/v1/users/{cercle.user_id}/override_ratelimit"
    await synapse.admin(
        "POST", path, admin.access_token, {"messages_per_second": 2, "burst_count": 1}
    )
    try:
        mark = mona.mark()
        await mona.say(room, "!session start")
        wanted = ["The session is open", "A reminder of our charter", "Speaking: nobody"]
        for text in wanted:
            await mona.notice(text, room_id=room, after=mark, timeout=WAIT * 2)
        panel = mona.notices("Speaking: nobody", room)[0].event.event_id
        for key in ("✋", "➡️", "☕"):
            await mona.wait_for(is_reaction(panel, key, cercle.user_id), timeout=WAIT * 2)
        said = [s.body for s in mona.seen[mark:] if s.room_id == room and "msgtype" in s.content]
        order = [next(i for i, body in enumerate(said) if text in body) for text in wanted]
        assert order == sorted(order), "replies kept their order"
        assert cercle.platform is not None
        assert cercle.platform.courier is not None
        assert cercle.platform.courier.rate_limited > 0, "the homeserver did answer 429"
    finally:
        await synapse.admin("DELETE", path, admin.access_token)
