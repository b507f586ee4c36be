"""``cercle check-config --config FILE``: a checklist of what the bot needs before ``cercle run``,
each line saying what is right or what to fix; nothing is created or changed."""

from __future__ import annotations

import asyncio
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from alembic.script import ScriptDirectory

from adapters.config import Config
from storage.engine import create_engine, dispose
from storage.errors import DatabaseError
from storage.journal_crypto import KEY_VARIABLE
from storage.migrate import alembic_config, current_revision

SQLITE_PREFIX = "sqlite+aiosqlite:///"
DATABASE_TIMEOUT = 10.0
NETWORK_TIMEOUT = 15.0
MATRIX_SECRETS = ("CERCLE_MATRIX_PASSWORD", "CERCLE_MATRIX_ACCESS_TOKEN")
DISCORD_SECRET = "CERCLE_DISCORD_TOKEN"  # noqa: S105 - the name of a variable


@dataclass(frozen=True, slots=True)
class Check:
    ok: bool
    what: str

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'}  {self.what}"


async def checklist(
    config: Config, environ: Mapping[str, str] | None = None, *, network: bool = True
) -> list[Check]:
    """Every check; with ``network``, the enabled platforms are also asked whether they take
    the bot's secret (Matrix: who am I / a login that is logged out at once; Discord: the
    token's bot), so a wrong password shows here rather than at start-up."""
    env = os.environ if environ is None else environ
    checks = [
        Check(True, f"configuration {config.source or '(defaults)'} read"),
        _new_database(config) or await _database(config),
        _journal_key(config, env),
        *_platforms(config, env),
    ]
    if network and all(check.ok for check in checks):
        if config.matrix.enabled:
            checks.append(await matrix_login(config, env))
        if config.discord.enabled:
            checks.append(await discord_login(env))
    return checks


async def matrix_login(config: Config, env: Mapping[str, str]) -> Check:
    """Ask the homeserver whether it takes the bot's secret, leaving nothing behind."""
    base = config.matrix.homeserver.rstrip("/") + "/_matrix/client/v3"
    user = config.matrix.user_id
    timeout = aiohttp.ClientTimeout(total=NETWORK_TIMEOUT)
    try:
        async with aiohttp.ClientSession(timeout=timeout) as session:
            if token := env.get("CERCLE_MATRIX_ACCESS_TOKEN", "").strip():
                headers = {"Authorization": f"Bearer {token}"}
                async with session.get(f"{base}/account/whoami", headers=headers) as answer:
                    found = await answer.json() if answer.status == 200 else {}
                if found.get("user_id") != user:
                    return Check(
                        False, f"Matrix: the homeserver refused the access token of {user}"
                    )
                return Check(True, f"Matrix: {user} is logged in (device {found.get('device_id')})")
            login = {
                "type": "m.login.password",
                "identifier": {"type": "m.id.user", "user": user},
                "password": env.get("CERCLE_MATRIX_PASSWORD", ""),
                "initial_device_display_name": "cercle check-config",
            }
            async with session.post(f"{base}/login", json=login) as answer:
                if answer.status != 200:
                    return Check(False, f"Matrix: the homeserver refused the password of {user}")
                token = (await answer.json())["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            async with session.post(f"{base}/logout", headers=headers, json={}):
                pass  # the check's own device is removed again
            return Check(True, f"Matrix: {user} can log in")
    except (aiohttp.ClientError, TimeoutError, OSError) as error:
        return Check(
            False, f"Matrix: {config.matrix.homeserver} does not answer ({type(error).__name__})"
        )


async def discord_login(env: Mapping[str, str]) -> Check:
    """Ask Discord whose bot the token is (discord.py's own login, then closed)."""
    import discord  # only when Discord is enabled: it is slow to import

    client = discord.Client(intents=discord.Intents.none())
    try:
        await asyncio.wait_for(client.login(env.get(DISCORD_SECRET, "").strip()), NETWORK_TIMEOUT)
    except discord.LoginFailure:
        return Check(False, "Discord: the token was refused; reset it in the Developer Portal")
    except (discord.HTTPException, aiohttp.ClientError, TimeoutError, OSError) as error:
        return Check(False, f"Discord does not answer ({type(error).__name__})")
    else:
        bot = client.user
        return Check(True, f"Discord: the token is the bot {bot.name if bot else '?'}'s")
    finally:
        await client.close()


def _new_database(config: Config) -> Check | None:
    """A SQLite file not made yet: whether it can be (None when there is a database to open)."""
    url = config.bot.database_url
    path = url.removeprefix(SQLITE_PREFIX)
    if not url.startswith(SQLITE_PREFIX) or ":memory:" in path or Path(path).exists():
        return None
    folder = Path(path).parent
    while not folder.exists():
        folder = folder.parent
    if not os.access(folder, os.W_OK):
        return Check(False, f"database {path}: cannot be created, {folder} is not writable")
    return Check(True, f"database {path}: created at the first start")


async def _database(config: Config) -> Check:
    engine = create_engine(config.bot.database_url)
    try:
        revision = await asyncio.wait_for(current_revision(engine), DATABASE_TIMEOUT)
    except DatabaseError as error:
        return Check(False, f"database: {error}")
    except (OSError, TimeoutError) as error:
        return Check(False, f"database unreachable ({type(error).__name__}): is it running?")
    except Exception as error:
        return Check(False, f"database cannot be opened ({type(error).__name__})")
    finally:
        await dispose(engine, DATABASE_TIMEOUT)
    return _revision_check(revision)


def _revision_check(revision: str | None) -> Check:
    scripts = ScriptDirectory.from_config(alembic_config())
    if revision in scripts.get_heads():
        return Check(True, f"database at the latest revision {revision}")
    known = {script.revision for script in scripts.walk_revisions()}
    if revision is None or revision in known:
        return Check(True, f"database at {revision or 'no revision'}: migrated at the next start")
    return Check(False, f"database at {revision}, written by a newer Cercle: upgrade Cercle")


def _journal_key(config: Config, env: Mapping[str, str]) -> Check:
    if env.get(KEY_VARIABLE):
        return Check(True, f"journal key from {KEY_VARIABLE}")
    path = config.bot.journal_key_path()
    if path.is_dir():
        return Check(False, f"journal key {path} is a folder: name a file (bot.journal_key_file)")
    if not path.exists():
        return Check(True, f"journal key {path}: created (mode 0600) at the first start")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        return Check(False, f"journal key {path} is readable by others: chmod 600 {path}")
    return Check(True, f"journal key {path} (mode 0600)")


def _platforms(config: Config, env: Mapping[str, str]) -> list[Check]:
    checks: list[Check] = []
    if config.matrix.enabled:
        if any(env.get(name) for name in MATRIX_SECRETS):
            checks.append(Check(True, f"Matrix: {config.matrix.user_id} has a secret"))
        else:
            checks.append(
                Check(False, f"Matrix: set {' or '.join(MATRIX_SECRETS)} in the environment")
            )
    if config.discord.enabled:
        if env.get(DISCORD_SECRET):
            checks.append(Check(True, "Discord: a bot token is set"))
        else:
            checks.append(Check(False, f"Discord: set {DISCORD_SECRET} in the environment"))
    if not checks:
        checks.append(Check(False, "no platform enabled: set [matrix] or [discord] enabled = true"))
    return checks
