"""Acting as Discord's users: slash commands, autocompletion and buttons, dispatched as
INTERACTION_CREATE the way Discord builds them from the commands the bot synced (names and
options checked, permissions and the server's integration settings applied)."""

from __future__ import annotations

import secrets
import time
from typing import Any

from .exchanges import APPLICATION_COMMAND, AUTOCOMPLETE, COMPONENT, Exchange
from .model import Channel, Guild, Message, User


class CommandUnavailable(Exception):
    """Discord would not let this member use this command (hidden or unknown)."""


class Acting:
    """Part of :class:`~discord_fake.server.FakeDiscord`."""

    def slash(self, user: User, channel: Channel, *names: str, **options: Any) -> Exchange:
        """``/names... option:value``, as ``user`` types it in ``channel`` (names and options
        by their English or French names)."""
        guild, data, _ = self._command_data(user, channel, names, options, focused=None)
        return self._dispatch_interaction(APPLICATION_COMMAND, user, channel, guild, data)

    def complete(
        self, user: User, channel: Channel, names: tuple[str, ...], focused: str, **options: Any
    ) -> Exchange:
        """Typing ``options[focused]`` in an option with autocompletion."""
        options.setdefault(focused, "")
        guild, data, option = self._command_data(user, channel, names, options, focused=focused)
        if not (option or {}).get("autocomplete"):
            raise CommandUnavailable(f"{focused} has no autocompletion")
        return self._dispatch_interaction(AUTOCOMPLETE, user, channel, guild, data)

    def _command_data(
        self,
        user: User,
        channel: Channel,
        names: tuple[str, ...],
        options: dict[str, Any],
        focused: str | None,
    ) -> tuple[Guild, dict[str, Any], dict[str, Any] | None]:
        guild = self.guilds[channel.guild_id] if channel.guild_id else None
        assert guild is not None, "slash commands are guild-only here"
        top = self.command(names[0], guild)
        self._may_use(guild, user, top)
        data: dict[str, Any] = {"id": top["id"], "name": top["name"], "type": 1}
        if top.get("guild_id"):
            data["guild_id"] = top["guild_id"]
        target, holder = top, data
        for name in names[1:]:
            sub = _find(target.get("options") or [], name, kinds=(1, 2))
            entry: dict[str, Any] = {"name": sub["name"], "type": sub["type"]}
            holder.setdefault("options", []).append(entry)
            target, holder = sub, entry
        values, option = _values(target, options, focused)
        holder.setdefault("options", []).extend(values)
        return guild, data, option

    def press(self, user: User, message: Message, custom_id: str) -> Exchange:
        """Pressing a button of a message (in a channel or a DM)."""
        assert custom_id in message.custom_ids, (custom_id, message.custom_ids)
        channel = self.channel_by_id(message.channel_id)
        assert channel is not None
        guild = self.guilds.get(channel.guild_id) if channel.guild_id else None
        data = {"custom_id": custom_id, "component_type": 2}
        return self._dispatch_interaction(COMPONENT, user, channel, guild, data, message)

    def _may_use(self, guild: Guild, user: User, command: dict[str, Any]) -> None:
        member = guild.members[user.id]
        needed = command.get("default_member_permissions")
        if needed in (None, ""):
            return
        allowed = self.overrides.get(command["name"], set())
        if allowed & {guild.id, *member.roles}:
            return
        if guild.permissions(member) & int(needed) != int(needed):
            raise CommandUnavailable(f"{user.username} cannot see /{command['name']}")

    def _dispatch_interaction(
        self,
        kind: int,
        user: User,
        channel: Channel,
        guild: Guild | None,
        data: dict[str, Any],
        message: Message | None = None,
    ) -> Exchange:
        exchange = Exchange(
            self.ids.next(), secrets.token_urlsafe(48), kind, user, channel, guild, data, message
        )
        payload: dict[str, Any] = {
            "id": str(exchange.id),
            "application_id": str(self.application_id),
            "type": kind,
            "data": data,
            "token": exchange.token,
            "version": 1,
            "locale": user.locale,
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
            "channel_id": str(channel.id),
            "channel": channel.json(),
        }
        if guild is not None:
            member = guild.members[user.id]
            payload |= {
                "guild_id": str(guild.id),
                "guild": {"id": str(guild.id), "locale": "fr", "features": []},
                "guild_locale": "fr",
                "member": {**member.json(), "permissions": str(guild.permissions(member))},
                "app_permissions": str(guild.permissions(guild.members[self.bot.id])),
                "authorizing_integration_owners": {"0": str(guild.id)},
                "context": 0,
            }
        else:
            payload |= {
                "user": user.json(),
                "app_permissions": "0",
                "authorizing_integration_owners": {"0": str(guild.id) if guild else "0"},
                "context": 1,
            }
        if message is not None:
            payload["message"] = message.json()
        exchange.payload = payload
        self.exchanges[exchange.id] = exchange
        self.by_token[exchange.token] = exchange
        exchange.dispatched_at = time.perf_counter()
        self.gateway.dispatch("INTERACTION_CREATE", payload)
        return exchange

    async def answered(self, exchange: Exchange, timeout: float = 5.0) -> Exchange:
        await self.until(lambda: exchange.acknowledged, timeout, f"an answer to {exchange.id}")
        return exchange


def _find(options: list[dict[str, Any]], name: str, kinds: tuple[int, ...]) -> dict[str, Any]:
    for option in options:
        names = (option["name"], *(option.get("name_localizations") or {}).values())
        if option["type"] in kinds and name in names:
            return option
    raise CommandUnavailable(f"no subcommand {name!r}")


def _values(
    command: dict[str, Any], given: dict[str, Any], focused: str | None
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Typed option values as Discord sends them, checked as Discord's client checks them
    (while typing in an autocompleted option, nothing is checked yet)."""
    declared = {o["name"]: o for o in command.get("options") or []}
    for option in command.get("options") or []:
        for localized in (option.get("name_localizations") or {}).values():
            declared.setdefault(localized, option)
    values: list[dict[str, Any]] = []
    focused_option = None
    for name, raw in given.items():
        value = raw
        option = declared.get(name)
        if option is None:
            raise CommandUnavailable(f"no option {name!r}")
        kind = option["type"]
        if focused is not None:
            entry = {"name": option["name"], "type": kind, "value": str(value)}
            if name == focused:
                entry["focused"] = True
                focused_option = option
            values.append(entry)
            continue
        if kind == 4 and not isinstance(value, int):
            raise CommandUnavailable(f"{name} takes a whole number")
        if kind == 3:
            value = str(value)
            if len(value) > option.get("max_length", 6000):
                raise CommandUnavailable(f"{name} is too long")
        if "min_value" in option and value < option["min_value"]:
            raise CommandUnavailable(f"{name} is below its minimum")
        if "max_value" in option and value > option["max_value"]:
            raise CommandUnavailable(f"{name} is above its maximum")
        choices = option.get("choices")
        if choices and value not in [c["value"] for c in choices]:
            raise CommandUnavailable(f"{value!r} is not one of the choices of {name}")
        values.append({"name": option["name"], "type": kind, "value": value})
    missing = [
        o["name"]
        for o in command.get("options") or []
        if o.get("required") and o["name"] not in {v["name"] for v in values}
    ]
    if missing and focused is None:
        raise CommandUnavailable(f"missing required options {missing}")
    return values, focused_option
