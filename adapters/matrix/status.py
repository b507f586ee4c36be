"""``cercle matrix status``: the bot's device and whether its own account has cross-signed it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from nio import AsyncClient, LoginResponse

from adapters.config import MatrixConfig
from adapters.matrix.crosssign import KEYS_FILE, NOT_WITH_A_BEARER, CrossSigner
from adapters.matrix.login import PASSWORD_ENV, TOKEN_ENV, MatrixLoginError, read_session


async def matrix_status(config: MatrixConfig, environ: Mapping[str, str]) -> tuple[bool, list[str]]:
    """Lines to print, and whether the device is cross-signed.

    With a password, a short-lived login (logged out at once) reads the keys, so the bot's own
    device and its access token are left alone."""
    store = Path(config.store_path)
    session = read_session(store)
    device_id = session.get("device_id", "") if session.get("user_id") == config.user_id else ""
    lines = [f"account: {config.user_id}", f"device: {device_id or '(never logged in)'}"]
    token = environ.get(TOKEN_ENV, "").strip()
    password = environ.get(PASSWORD_ENV, "")
    client = AsyncClient(config.homeserver, config.user_id)
    short_lived = not token
    try:
        if not token:
            if not password:
                raise MatrixLoginError(f"set {PASSWORD_ENV} or {TOKEN_ENV} to read the keys")
            answer = await client.login(password, device_name="cercle matrix status")
            if not isinstance(answer, LoginResponse):
                raise MatrixLoginError(f"the homeserver refused the login ({answer.status_code})")
            token = answer.access_token
        status = await CrossSigner(config.homeserver, config.user_id, device_id, token).status()
        if short_lived:
            await client.logout()
    finally:
        await client.close()
    lines.append(f"master key: {status.master_key or '(none)'}")
    lines.append(f"cross-signed: {'yes' if status.cross_signed else 'no'}")
    held = (store / KEYS_FILE).is_file()
    lines.append(f"private keys in the store: {'yes' if held else 'no'}")
    if not status.cross_signed and not password:
        lines.append(NOT_WITH_A_BEARER)
    return status.cross_signed, lines
