"""The bot's device is cross-signed by its own account (Element excludes unsigned devices)."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path

import pytest
from matrix_members import bot_config
from matrix_synapse_server import SynapseServer

from adapters.matrix.crosssign import KEYS_FILE, CrossSigner, public_key, sign, verify
from adapters.matrix.login import log_in, new_client

pytestmark = pytest.mark.e2e


async def _start(
    synapse: SynapseServer, folder: Path, config_account: object, environ: dict[str, str]
) -> tuple[str, str]:
    config = bot_config(synapse, config_account, folder)  # type: ignore[arg-type]
    client = new_client(config.matrix)
    try:
        await log_in(client, config.matrix, environ)
        return client.device_id, client.access_token
    finally:
        await client.close()


async def _query(
    synapse: SynapseServer, user_id: str, device_id: str, token: str
) -> dict[str, object]:
    import aiohttp

    signer = CrossSigner(synapse.url, user_id, device_id, token)
    async with aiohttp.ClientSession() as session:
        return await signer.query(session)


async def test_first_start_bootstraps_and_a_new_device_is_signed_with_the_same_master(
    synapse: SynapseServer, tmp_path: Path
) -> None:
    account = await synapse.register(synapse.fresh_name("cercle"))
    environ = {"CERCLE_MATRIX_PASSWORD": account.password}
    device, token = await _start(synapse, tmp_path, account, environ)
    found = await _query(synapse, account.user_id, device, token)
    master_obj = found["master_keys"][account.user_id]  # type: ignore[index]
    ssk_obj = found["self_signing_keys"][account.user_id]  # type: ignore[index]
    master = next(iter(master_obj["keys"].values()))
    ssk = next(iter(ssk_obj["keys"].values()))
    assert verify(ssk_obj, master, account.user_id)
    assert verify(found["device_keys"][account.user_id][device], ssk, account.user_id)  # type: ignore[index]
    assert stat.S_IMODE((tmp_path / "store" / KEYS_FILE).stat().st_mode) == 0o600

    (tmp_path / "store" / "cercle-session.json").unlink()  # the next start logs in as a new device
    second, token = await _start(synapse, tmp_path, account, environ)
    assert second != device
    found = await _query(synapse, account.user_id, second, token)
    assert next(iter(found["master_keys"][account.user_id]["keys"].values())) == master  # type: ignore[index]
    assert verify(found["device_keys"][account.user_id][second], ssk, account.user_id)  # type: ignore[index]
    status = await CrossSigner(synapse.url, account.user_id, second, token).status()
    assert status.cross_signed and status.master_key == master


async def test_an_access_token_alone_cannot_cross_sign_and_says_so(
    synapse: SynapseServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    account = await synapse.register(synapse.fresh_name("cercle"))
    device, token = await _start(
        synapse, tmp_path, account, {"CERCLE_MATRIX_ACCESS_TOKEN": account.access_token}
    )
    assert "needs the bot's password" in caplog.text
    status = await CrossSigner(synapse.url, account.user_id, device, token).status()
    assert not status.cross_signed and status.master_key is None


def test_a_signature_verifies_only_for_its_content() -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    signed = sign({"b": 1, "a": "é", "unsigned": {"x": 1}}, key, "@bot:hs")
    assert verify(signed, public_key(key), "@bot:hs")
    assert not verify({**signed, "a": "e"}, public_key(key), "@bot:hs")


async def test_the_status_command_shows_the_device_and_whether_it_is_signed(
    synapse: SynapseServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from matrix_members import _toml, bot_settings

    from adapters import cli

    account = await synapse.register(synapse.fresh_name("cercle"))
    environ = {"CERCLE_MATRIX_PASSWORD": account.password}
    device, _ = await _start(synapse, tmp_path, account, environ)
    path = tmp_path / "cercle.toml"
    path.write_text(_toml(bot_settings(synapse, account, tmp_path)), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CERCLE_MATRIX_PASSWORD", account.password)
        assert await asyncio.to_thread(cli.main, ["matrix", "status", "--config", str(path)]) == 0
    shown = capsys.readouterr().out
    assert f"device: {device}" in shown
    assert "cross-signed: yes" in shown
