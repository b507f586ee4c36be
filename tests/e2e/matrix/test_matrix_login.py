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


async def test_check_config_asks_the_homeserver_and_leaves_no_device(
    synapse: SynapseServer, tmp_path: Path
) -> None:
    """Issue 14: ``cercle check-config`` logs in (and out again) to say whether the homeserver
    takes the bot's password or token."""
    from adapters.check import matrix_login
    from adapters.config import Config

    account = await synapse.register(synapse.fresh_name("cercle"))
    config = Config.from_toml(
        f'[matrix]\nenabled = true\nhomeserver = "{synapse.url}"\nuser_id = "{account.user_id}"\n',
        environ={"CERCLE_MATRIX_PASSWORD": account.password},
    )
    good = await matrix_login(config, {"CERCLE_MATRIX_PASSWORD": account.password})
    assert good.ok, good.what
    wrong = await matrix_login(config, {"CERCLE_MATRIX_PASSWORD": "not it"})
    assert not wrong.ok
    assert "refused the password" in wrong.what
    token = await matrix_login(config, {"CERCLE_MATRIX_ACCESS_TOKEN": account.access_token})
    assert token.ok and account.device_id in token.what
    admin = await synapse.register(synapse.fresh_name("admin"), admin=True)
    devices = await synapse.admin(
        "GET", f"/_synapse/admin/v2/users/{account.user_id}/devices", admin.access_token
    )
    assert [d["device_id"] for d in devices["devices"]] == [account.device_id], "no device left"
    down = Config.from_toml(
        f'[matrix]\nenabled = true\nhomeserver = "http://127.0.0.1:9"\n'
        f'user_id = "{account.user_id}"\n',
        environ={"CERCLE_MATRIX_PASSWORD": "x"},
    )
    unreachable = await matrix_login(down, {"CERCLE_MATRIX_PASSWORD": "x"})
    assert not unreachable.ok and "does not answer" in unreachable.what
