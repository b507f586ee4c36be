"""Syncing the slash commands, once: at start-up (``setup_hook``), and only when what would be
sent differs from what was last synced (Discord limits how often commands may be written).  With
``dev_guild_id`` the commands go to that guild only, where they appear at once."""

from __future__ import annotations

import hashlib
import json
import logging

import discord
from discord import app_commands

from adapters.discord.state import AdapterState

log = logging.getLogger("cercle.discord")


async def sync_commands(
    tree: app_commands.CommandTree[discord.Client],
    state: AdapterState,
    dev_guild_id: int | None,
) -> bool:
    """Sync if needed; returns whether anything was sent."""
    guild = discord.Object(dev_guild_id) if dev_guild_id is not None else None
    if guild is not None:
        tree.copy_global_to(guild=guild)
    translator = tree.translator
    payload = [
        await command.get_translated_payload(tree, translator)
        if translator is not None
        else command.to_dict(tree)
        for command in tree.get_commands(guild=guild)
    ]
    digest = hashlib.sha256(
        json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()
    target = f"{tree.client.application_id}:{dev_guild_id or 'global'}"
    if await state.commands_digest(target) == digest:
        log.info("slash commands already up to date")
        return False
    await tree.sync(guild=guild)
    await state.put_commands_digest(target, digest)
    log.info("slash commands synced", extra={"commands": len(payload)})
    return True
