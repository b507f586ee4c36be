"""Logging in: a password or an access token from the environment, and a persistent store so
the bot stays the same device (with the same encryption keys) across restarts."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path

import aiohttp
from nio import AsyncClient, AsyncClientConfig, LoginResponse, WhoamiResponse

from adapters.config import MatrixConfig
from adapters.matrix.crosssign import NOT_WITH_A_BEARER, CrossSigner, CrossSigningError

log = logging.getLogger("cercle.matrix")

PASSWORD_ENV = "CERCLE_MATRIX_PASSWORD"  # noqa: S105 - the name of a variable
TOKEN_ENV = "CERCLE_MATRIX_ACCESS_TOKEN"  # noqa: S105
SESSION_FILE = "cercle-session.json"
"""In the store folder: the bot's user and device id (never a secret)."""


class MatrixLoginError(Exception):
    """The bot cannot log in; the message says what to fix (and never holds a secret)."""


def client_config() -> AsyncClientConfig:
    return AsyncClientConfig(
        encryption_enabled=True,
        store_sync_tokens=False,  # the sync token lives in the database, with what it covers
        max_timeouts=0,  # connection failures come back to us at once: we back off ourselves
        max_limit_exceeded=0,  # and so do 429s: we wait retry_after_ms and send again
        request_timeout=30,
    )


def new_client(config: MatrixConfig) -> AsyncClient:
    store = Path(config.store_path)
    store.mkdir(parents=True, exist_ok=True, mode=0o700)
    session = read_session(store)
    device_id = session.get("device_id", "") if session.get("user_id") == config.user_id else ""
    return AsyncClient(
        config.homeserver,
        config.user_id,
        device_id=device_id,
        store_path=str(store),
        config=client_config(),
    )


async def log_in(client: AsyncClient, config: MatrixConfig, environ: Mapping[str, str]) -> None:
    """Log ``client`` in and load its store; raise :class:`MatrixLoginError` if refused."""
    token = environ.get(TOKEN_ENV, "").strip()
    password = environ.get(PASSWORD_ENV, "")
    if token:
        client.access_token = token
        found = await client.whoami()
        if not isinstance(found, WhoamiResponse):
            raise MatrixLoginError(f"the homeserver refused {TOKEN_ENV} ({found.status_code})")
        if found.user_id != config.user_id:
            raise MatrixLoginError(
                f"{TOKEN_ENV} belongs to {found.user_id}, not to matrix.user_id {config.user_id}"
            )
        if not found.device_id:
            raise MatrixLoginError(f"{TOKEN_ENV} has no device: create it by logging in")
        client.restore_login(found.user_id, found.device_id, token)
    elif password:
        answer = await client.login(password, device_name=config.device_name)
        if not isinstance(answer, LoginResponse):
            raise MatrixLoginError(
                f"the homeserver refused the login of {config.user_id} ({answer.status_code})"
            )
    else:
        raise MatrixLoginError(f"set {PASSWORD_ENV} or {TOKEN_ENV} to log the bot in")
    _write_session(Path(config.store_path), client.user_id, client.device_id)
    log.info("logged in", extra={"device": client.device_id})
    await cross_sign(client, config, password or None)


async def cross_sign(client: AsyncClient, config: MatrixConfig, password: str | None) -> None:
    """Upload the device's keys if nio has not yet, then make sure the device is cross-signed.

    A failure is logged, never fatal: the bot still works in unencrypted rooms and with clients
    that do not yet exclude unsigned devices."""
    if client.should_upload_keys:
        await client.keys_upload()
    signer = CrossSigner(config.homeserver, client.user_id, client.device_id, client.access_token)
    try:
        status = await signer.bootstrap(Path(config.store_path), password)
    except (CrossSigningError, aiohttp.ClientError) as problem:
        level = logging.WARNING if str(problem) != NOT_WITH_A_BEARER else logging.ERROR
        log.log(level, "device not cross-signed: %s", problem, extra={"device": client.device_id})
        return
    if not status.cross_signed:
        log.error("device not cross-signed after signing", extra={"device": client.device_id})


def read_session(store: Path) -> dict[str, str]:
    try:
        data = json.loads((store / SESSION_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_session(store: Path, user_id: str, device_id: str) -> None:
    path = store / SESSION_FILE
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"user_id": user_id, "device_id": device_id}), encoding="utf-8")
    os.replace(temporary, path)
