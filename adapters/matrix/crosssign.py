"""Cross-signing for the bot's own account (matrix-nio has no API for it).

Element excludes devices their owner has not cross-signed from encrypted rooms (MSC4153), so on
first start the bot creates a master key and a self-signing key, uploads them (user-interactive
auth with its password), and signs its device with the self-signing key.  The private keys stay
in the store folder (mode 0600); on a later start with a new device, the device is signed again
with the same keys, never a new master key.  Only the small part of the spec the bot needs:
ed25519 keys (``cryptography``), canonical JSON signing, ``/keys/device_signing/upload`` and
``/keys/signatures/upload``.
"""

from __future__ import annotations

import base64
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

log = logging.getLogger("cercle.matrix")

KEYS_FILE = "cercle-cross-signing.json"
"""In the store folder, mode 0600: the private master and self-signing seeds."""

NOT_WITH_A_BEARER = (
    "cross-signing needs the bot's password (CERCLE_MATRIX_PASSWORD): an access token alone "
    "cannot answer the homeserver's user-interactive auth, so the device stays unsigned"
)

Json = dict[str, Any]


def canonical_json(value: object) -> bytes:
    """The Matrix spec's canonical JSON: sorted keys, no spaces, UTF-8 (the bot signs no floats)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def unpadded_b64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


def _b64decode(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def public_key(private: Ed25519PrivateKey) -> str:
    return unpadded_b64(private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))


def sign(obj: Json, private: Ed25519PrivateKey, user_id: str) -> Json:
    """``obj`` with the signature of ``private`` added under ``signatures[user_id]``."""
    unsigned = {k: v for k, v in obj.items() if k not in ("signatures", "unsigned")}
    key_id = f"ed25519:{public_key(private)}"
    signature = unpadded_b64(private.sign(canonical_json(unsigned)))
    signatures = {user: dict(keys) for user, keys in obj.get("signatures", {}).items()}
    signatures.setdefault(user_id, {})[key_id] = signature
    return {**obj, "signatures": signatures}


def verify(obj: Json, public: str, user_id: str) -> bool:
    """Whether ``obj`` carries a valid signature by the ed25519 key ``public`` of ``user_id``."""
    signature = obj.get("signatures", {}).get(user_id, {}).get(f"ed25519:{public}")
    if not isinstance(signature, str):
        return False
    unsigned = {k: v for k, v in obj.items() if k not in ("signatures", "unsigned")}
    try:
        Ed25519PublicKey.from_public_bytes(_b64decode(public)).verify(
            _b64decode(signature), canonical_json(unsigned)
        )
    except Exception:
        return False
    return True


@dataclass(frozen=True)
class CrossSigningKeys:
    master: Ed25519PrivateKey
    self_signing: Ed25519PrivateKey

    @classmethod
    def generate(cls) -> CrossSigningKeys:
        return cls(Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate())

    def master_key(self, user_id: str) -> Json:
        key = public_key(self.master)
        return {"user_id": user_id, "usage": ["master"], "keys": {f"ed25519:{key}": key}}

    def self_signing_key(self, user_id: str) -> Json:
        key = public_key(self.self_signing)
        body = {"user_id": user_id, "usage": ["self_signing"], "keys": {f"ed25519:{key}": key}}
        return sign(body, self.master, user_id)


def load_keys(store: Path) -> CrossSigningKeys | None:
    try:
        data = json.loads((store / KEYS_FILE).read_text(encoding="utf-8"))
        return CrossSigningKeys(
            Ed25519PrivateKey.from_private_bytes(_b64decode(data["master"])),
            Ed25519PrivateKey.from_private_bytes(_b64decode(data["self_signing"])),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_keys(store: Path, keys: CrossSigningKeys) -> None:
    from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

    def seed(key: Ed25519PrivateKey) -> str:
        return unpadded_b64(key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()))

    path = store / KEYS_FILE
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"master": seed(keys.master), "self_signing": seed(keys.self_signing)}, out)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


@dataclass(frozen=True)
class DeviceStatus:
    device_id: str
    master_key: str | None
    cross_signed: bool


class CrossSigner:
    """Talks to the homeserver's key endpoints with the bot's access token."""

    def __init__(self, homeserver: str, user_id: str, device_id: str, access_token: str) -> None:
        self.base = homeserver.rstrip("/") + "/_matrix/client/v3"
        self.user_id = user_id
        self.device_id = device_id
        self.headers = {"Authorization": f"Bearer {access_token}"}

    async def _post(
        self, session: aiohttp.ClientSession, path: str, body: Json
    ) -> tuple[int, Json]:
        async with session.post(self.base + path, json=body, headers=self.headers) as answer:
            return answer.status, await answer.json(content_type=None)

    async def query(self, session: aiohttp.ClientSession) -> Json:
        status, body = await self._post(session, "/keys/query", {"device_keys": {self.user_id: []}})
        if status != 200:
            raise CrossSigningError(f"/keys/query answered {status}")
        return body

    async def status(self) -> DeviceStatus:
        async with aiohttp.ClientSession() as session:
            return self._status(await self.query(session))

    def _status(self, found: Json) -> DeviceStatus:
        master = _only_key(found.get("master_keys", {}).get(self.user_id))
        self_signing = found.get("self_signing_keys", {}).get(self.user_id)
        ssk = _only_key(self_signing)
        device = found.get("device_keys", {}).get(self.user_id, {}).get(self.device_id)
        signed = bool(
            master
            and ssk
            and self_signing
            and device
            and verify(self_signing, master, self.user_id)
            and verify(device, ssk, self.user_id)
        )
        return DeviceStatus(self.device_id, master, signed)

    async def bootstrap(self, store: Path, password: str | None) -> DeviceStatus:
        """Make sure the bot's device is cross-signed; create the keys the first time."""
        async with aiohttp.ClientSession() as session:
            found = await self.query(session)
            current = self._status(found)
            if current.cross_signed:
                return current
            keys = load_keys(store)
            on_server = current.master_key
            if keys is None or (on_server and public_key(keys.master) != on_server):
                if on_server and keys is None:
                    raise CrossSigningError(
                        "the account already has a master key the store does not hold: "
                        "reset cross-signing for the bot's account, or restore the store"
                    )
                if password is None:
                    raise CrossSigningError(NOT_WITH_A_BEARER)
                keys = keys or CrossSigningKeys.generate()
                await self._upload_keys(session, keys, password)
                save_keys(store, keys)
                log.info("cross-signing keys created", extra={"device": self.device_id})
            elif not on_server:
                if password is None:
                    raise CrossSigningError(NOT_WITH_A_BEARER)
                await self._upload_keys(session, keys, password)
            device = found.get("device_keys", {}).get(self.user_id, {}).get(self.device_id)
            if not device:
                raise CrossSigningError(f"device {self.device_id} has not uploaded its keys yet")
            signed = sign(device, keys.self_signing, self.user_id)
            status, body = await self._post(
                session, "/keys/signatures/upload", {self.user_id: {self.device_id: signed}}
            )
            if status != 200 or body.get("failures"):
                raise CrossSigningError(f"/keys/signatures/upload answered {status}")
            log.info("device cross-signed", extra={"device": self.device_id})
            return self._status(await self.query(session))

    async def _upload_keys(
        self, session: aiohttp.ClientSession, keys: CrossSigningKeys, password: str
    ) -> None:
        body: Json = {
            "master_key": keys.master_key(self.user_id),
            "self_signing_key": keys.self_signing_key(self.user_id),
        }
        status, answer = await self._post(session, "/keys/device_signing/upload", body)
        if status == 401 and "session" in answer:
            body["auth"] = {
                "type": "m.login.password",
                "identifier": {"type": "m.id.user", "user": self.user_id},
                "password": password,
                "session": answer["session"],
            }
            status, answer = await self._post(session, "/keys/device_signing/upload", body)
        if status != 200:
            raise CrossSigningError(f"/keys/device_signing/upload answered {status}")


class CrossSigningError(Exception):
    """Cross-signing could not be done; the message says why (never a secret)."""


def _only_key(key_object: Json | None) -> str | None:
    if not key_object:
        return None
    keys = list(key_object.get("keys", {}).values())
    return keys[0] if len(keys) == 1 and isinstance(keys[0], str) else None
