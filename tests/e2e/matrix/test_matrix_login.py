"""Logging in: password or access token from the environment, the same device every time."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MakeBot, MakeMember
from matrix_members import Bot, bot_config
from matrix_synapse_server import SynapseServer

from adapters.matrix.login import MatrixLoginError, log_in, new_client

pytestmark = pytest.mark.e2e


async def test_the_bot_stays_the_same_device_across_restarts(
    member: MakeMember, bot: MakeBot
) -> None:
    cercle = await bot()
    assert cercle.platform is not None
    assert cercle.platform.client is not None
    first = cercle.platform.client.device_id
    await cercle.stop()
    await cercle.start()
    assert cercle.platform.client is not None
    assert cercle.platform.client.device_id == first
    mona = await member("mona")
    room = await mona.create_room(encrypted=True, invite=(cercle.user_id,))
    await mona.notice("Our charter", room_id=room)
    assert mona.client.olm is not None
    known = mona.client.olm.device_store[cercle.user_id]
    assert list(known) == [first], "one device for the bot, whatever the restarts"


async def test_an_access_token_from_the_environment(
    synapse: SynapseServer, tmp_path: Path, member: MakeMember
) -> None:
    account = await synapse.register(synapse.fresh_name("cercle"))
    folder = tmp_path / "token-bot"
    folder.mkdir()
    config = bot_config(synapse, account, folder)
    client = new_client(config.matrix)
    try:
        await log_in(client, config.matrix, {"CERCLE_MATRIX_ACCESS_TOKEN": account.access_token})
        assert client.device_id == account.device_id
        assert client.olm is not None, "the encryption store is loaded"
    finally:
        await client.close()
    running = Bot(synapse, account, folder, config)
    running.environ = {"CERCLE_MATRIX_ACCESS_TOKEN": account.access_token}
    await running.start()
    try:
        mona = await member("mona")
        room = await mona.create_room(invite=(running.user_id,))
        await mona.notice("Our charter", room_id=room)
    finally:
        await running.stop()


@pytest.mark.parametrize(
    ("environ", "says"),
    [
        ({}, "set CERCLE_MATRIX_PASSWORD or CERCLE_MATRIX_ACCESS_TOKEN"),
        ({"CERCLE_MATRIX_PASSWORD": "wrong"}, "refused the login"),
        ({"CERCLE_MATRIX_ACCESS_TOKEN": "syt_not_a_token"}, "refused CERCLE_MATRIX_ACCESS_TOKEN"),
    ],
)
async def test_login_problems_say_what_to_fix(
    synapse: SynapseServer, tmp_path: Path, environ: dict[str, str], says: str
) -> None:
    account = await synapse.register(synapse.fresh_name("cercle"))
    config = bot_config(synapse, account, tmp_path)
    client = new_client(config.matrix)
    try:
        with pytest.raises(MatrixLoginError, match=says) as raised:
            await log_in(client, config.matrix, environ)
        assert account.password not in str(raised.value)
    finally:
        await client.close()
