"""A real Synapse homeserver for the Matrix tests and benchmark: written, started, stopped.

Nothing is installed by hand: ``matrix-synapse`` comes with the test extra.  The server listens
on a free 127.0.0.1 port with SQLite, open registration (no verification), ``bcrypt_rounds: 4``,
every ``rc_*`` limit raised (or, with ``default_limits``, Synapse's own limits on what the bot
does: messages, room creation, invites, joins), no federation nor presence; media on (files:
calendars, exports).  Accounts are made through the shared-secret admin registration API, which
skips interactive authentication.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SERVER_NAME = "localhost"
READY_TIMEOUT = 60.0

# Far above anything a test does: with Synapse's defaults matrix-nio silently sleeps ~4.5 s per 429.
_PLENTY = {"per_second": 10000, "burst_count": 100000}
RATE_LIMITS: dict[str, Any] = {
    "rc_message": _PLENTY,
    "rc_registration": _PLENTY,
    "rc_registration_token_validity": _PLENTY,
    "rc_login": {"address": _PLENTY, "account": _PLENTY, "failed_attempts": _PLENTY},
    "rc_admin_redaction": _PLENTY,
    "rc_joins": {"local": _PLENTY, "remote": _PLENTY},
    "rc_joins_per_room": _PLENTY,
    "rc_3pid_validation": _PLENTY,
    "rc_invites": {"per_room": _PLENTY, "per_user": _PLENTY, "per_issuer": _PLENTY},
    "rc_third_party_invite": _PLENTY,
    "rc_room_creation": _PLENTY,
    "rc_key_requests": _PLENTY,
    "rc_presence": {"per_user": _PLENTY},
    "rc_delayed_event_mgmt": _PLENTY,
    "rc_reports": _PLENTY,
    "rc_user_directory": _PLENTY,
    "rc_profile": _PLENTY,
    "rc_media_create": _PLENTY,
}


DEFAULT_LIMITS = ("rc_message", "rc_room_creation", "rc_invites", "rc_joins", "rc_joins_per_room")
"""Left at Synapse's defaults on a ``default_limits`` server (0.2 messages/s after a burst of
10; one room a minute after 10…): what volunteer-run groups get on matrix.org or a small
homeserver.  Logins and registrations stay unlimited: they are the tests' own set-up."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(slots=True)
class Account:
    user_id: str
    password: str
    access_token: str
    device_id: str


class SynapseServer:
    """One homeserver process in ``folder``; ``stop()`` then ``start()`` keeps its data."""

    def __init__(
        self, folder: Path, port: int | None = None, *, default_limits: bool = False
    ) -> None:
        self.folder = folder
        self.default_limits = default_limits
        self._admin: Account | None = None
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.shared_secret = secrets.token_hex(16)
        self.process: subprocess.Popen[bytes] | None = None
        self._names = 0
        self._write_config()

    @property
    def config_path(self) -> Path:
        return self.folder / "homeserver.yaml"

    def _write_config(self) -> None:
        from signedjson.key import generate_signing_key, write_signing_keys

        self.folder.mkdir(parents=True, exist_ok=True)
        key_path = self.folder / "signing.key"
        if not key_path.exists():
            with key_path.open("w") as out:
                write_signing_keys(out, [generate_signing_key("a_test")])
        log_config = self.folder / "log.yaml"
        log_config.write_text(
            json.dumps(
                {
                    "version": 1,
                    "formatters": {
                        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
                    },
                    "handlers": {
                        "file": {
                            "class": "logging.FileHandler",
                            "filename": str(self.folder / "homeserver.log"),
                            "formatter": "plain",
                        }
                    },
                    "root": {"level": "WARNING", "handlers": ["file"]},
                    "disable_existing_loggers": False,
                }
            )
        )
        config: dict[str, Any] = {
            "server_name": SERVER_NAME,
            "pid_file": str(self.folder / "homeserver.pid"),
            "listeners": [
                {
                    "port": self.port,
                    "bind_addresses": ["127.0.0.1"],
                    "type": "http",
                    "tls": False,
                    "x_forwarded": False,
                    "resources": [{"names": ["client", "media"], "compress": False}],
                }
            ],
            "database": {
                "name": "sqlite3",
                "args": {"database": str(self.folder / "homeserver.db")},
            },
            "log_config": str(log_config),
            "signing_key_path": str(key_path),
            "media_store_path": str(self.folder / "media"),
            "enable_media_repo": True,
            "url_preview_enabled": False,
            "presence": {"enabled": False},
            "trusted_key_servers": [],
            "federation_domain_whitelist": [],
            "report_stats": False,
            "enable_metrics": False,
            "enable_registration": True,
            "enable_registration_without_verification": True,
            "registration_shared_secret": self.shared_secret,
            "macaroon_secret_key": secrets.token_hex(16),
            "form_secret": secrets.token_hex(16),
            "bcrypt_rounds": 4,
            "suppress_key_server_warning": True,
            **{
                key: value
                for key, value in RATE_LIMITS.items()
                if not (self.default_limits and key in DEFAULT_LIMITS)
            },
        }
        # JSON is YAML: no YAML writer needed.
        self.config_path.write_text(json.dumps(config, indent=1))

    # --- process ------------------------------------------------------------------------------

    def start(self) -> None:
        if self.process is not None and self.process.poll() is None:
            return
        with (self.folder / "stdout.log").open("ab") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "synapse.app.homeserver", "-c", str(self.config_path)],
                cwd=self.folder,
                stdout=output,
                stderr=subprocess.STDOUT,
                env=dict(os.environ),
            )
        self.wait_ready()

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                log = (self.folder / "stdout.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"Synapse exited with {self.process.returncode}:\n{log}")
            try:
                with urllib.request.urlopen(f"{self.url}/_matrix/client/versions", timeout=1):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.05)
        raise TimeoutError(f"Synapse did not answer within {timeout} s")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)

    # --- accounts -----------------------------------------------------------------------------

    def fresh_name(self, prefix: str) -> str:
        """A user name never used on this server (tests share one server)."""
        self._names += 1
        return f"{prefix}{self._names}x{secrets.token_hex(3)}"

    async def register(
        self, name: str, *, admin: bool = False, password: str | None = None
    ) -> Account:
        """Create ``@name:localhost`` through the shared-secret admin API."""
        return await asyncio.to_thread(
            self._register, name, admin, password or secrets.token_hex(8)
        )

    def _register(self, name: str, admin: bool, password: str) -> Account:
        url = f"{self.url}/_synapse/admin/v1/register"
        nonce = _request("GET", url)["nonce"]
        role = "admin" if admin else "notadmin"
        # The MAC covers the fields joined by NUL bytes.
        message = b"\x00".join(part.encode() for part in (nonce, name, password, role))
        mac = hmac.new(self.shared_secret.encode(), message, hashlib.sha1).hexdigest()
        body = {"nonce": nonce, "username": name, "password": password, "admin": admin, "mac": mac}
        found = _request("POST", url, body)
        return Account(found["user_id"], password, found["access_token"], found["device_id"])

    async def unlimit(self, user_id: str) -> None:
        """No rate limit for ``user_id`` (a test's member: only the bot meets the limits)."""
        if self._admin is None:
            self._admin = await self.register(self.fresh_name("admin"), admin=True)
        path = f"/_synapse/admin/v1/users/{user_id}/override_ratelimit"
        body = {"messages_per_second": 0, "burst_count": 0}
        await self.admin("POST", path, self._admin.access_token, body)

    async def admin(
        self, method: str, path: str, token: str, body: dict[str, Any] | None = None
    ) -> Any:
        return await asyncio.to_thread(_request, method, f"{self.url}{path}", body, token)


def _request(
    method: str, url: str, body: dict[str, Any] | None = None, token: str | None = None
) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"{}")
