"""The REST routes of the fake Discord (under /api/v10), each named by its OpenAPI template."""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .exchanges import (
    AUTOCOMPLETE,
    AUTOCOMPLETE_RESULT,
    COMPONENT,
    DEADLINE,
    DEFERRED_UPDATE,
    DEFERRED_WITH_SOURCE,
    MESSAGE_WITH_SOURCE,
    TOKEN_LIFETIME,
    UPDATE_MESSAGE,
    Exchange,
)
from .model import (
    DM,
    LOADING,
    STAGE,
    TEXT,
    VOICE,
    Channel,
    Message,
    ScheduledEvent,
    voice_state_json,
)

if TYPE_CHECKING:
    from .server import FakeDiscord

NAME = re.compile(r"[-_'\w]{1,32}")
NONCE_WINDOW = 5 * 60.0
EVENT_TRANSITIONS = {(1, 2), (2, 3), (1, 4)}
COMPLETED, CANCELED = 3, 4


@dataclass
class Call:
    template: str
    method: str
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    files: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Answer:
    status: int
    body: Any = None


def error(status: int, code: int, message: str) -> Answer:
    return Answer(status, {"code": code, "message": message})


UNKNOWN_CHANNEL = (10003, "Unknown Channel")
UNKNOWN_MESSAGE = (10008, "Unknown Message")
UNKNOWN_MEMBER = (10007, "Unknown Member")
UNKNOWN_INTERACTION = (10062, "Unknown interaction")
UNKNOWN_WEBHOOK = (10015, "Unknown Webhook")
UNKNOWN_EVENT = (10070, "Unknown Guild Scheduled Event")
MAX_EVENTS = 100
"""Discord's cap on scheduled and active events per guild (error 30038 beyond it)."""

Handler = Callable[[Call], Awaitable[Answer]]


class Rest:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.command_writes = 0

    def routes(self) -> list[tuple[str, str, Handler]]:
        """(method, OpenAPI template, handler) — more specific templates first."""
        webhook = "/webhooks/{webhook_id}/{webhook_token}"
        message = "/channels/{channel_id}/messages/{message_id}"
        event = "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}"
        return [
            ("GET", "/users/@me", self.me),
            ("POST", "/users/@me/channels", self.open_dm),
            ("GET", "/oauth2/applications/@me", self.application),
            ("PUT", "/applications/{application_id}/commands", self.put_commands),
            ("GET", "/applications/{application_id}/commands", self.get_commands),
            (
                "PUT",
                "/applications/{application_id}/guilds/{guild_id}/commands",
                self.put_commands,
            ),
            (
                "GET",
                "/applications/{application_id}/guilds/{guild_id}/commands",
                self.get_commands,
            ),
            ("POST", "/interactions/{interaction_id}/{interaction_token}/callback", self.callback),
            ("POST", webhook, self.followup),
            ("GET", f"{webhook}/messages/@original", self.get_original),
            ("PATCH", f"{webhook}/messages/@original", self.edit_original),
            ("DELETE", f"{webhook}/messages/@original", self.delete_original),
            ("GET", f"{webhook}/messages/{{message_id}}", self.get_followup),
            ("PATCH", f"{webhook}/messages/{{message_id}}", self.edit_followup),
            ("DELETE", f"{webhook}/messages/{{message_id}}", self.delete_followup),
            ("GET", "/channels/{channel_id}", self.get_channel),
            ("POST", "/channels/{channel_id}/messages", self.create_message),
            ("GET", message, self.get_message),
            ("PATCH", message, self.edit_message),
            ("DELETE", message, self.delete_message),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self.get_member),
            ("PATCH", "/guilds/{guild_id}/members/{user_id}", self.edit_member),
            ("GET", "/guilds/{guild_id}/scheduled-events", self.list_events),
            ("POST", "/guilds/{guild_id}/scheduled-events", self.create_event),
            ("GET", event, self.get_event),
            ("PATCH", event, self.edit_event),
            ("DELETE", event, self.delete_event),
        ]

    # --- identity ---
    async def me(self, call: Call) -> Answer:
        return Answer(200, self.fake.bot.private_json())

    async def application(self, call: Call) -> Answer:
        fake = self.fake
        return Answer(
            200,
            {
                "id": str(fake.application_id),
                "name": "Cercle (fake)",
                "icon": None,
                "description": "",
                "type": None,
                "bot": fake.bot.json(),
                "bot_public": False,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "flags": 0,
                "flags_new": "0",
                "redirect_uris": [],
                "interactions_endpoint_url": None,
                "role_connections_verification_url": None,
                "owner": fake.owner.json(),
                "approximate_guild_count": len(fake.guilds),
                "approximate_user_install_count": 0,
                "approximate_user_authorization_count": 0,
                "explicit_content_filter": 0,
                "team": None,
                "eligible_oauth2_scopes": [],
            },
        )

    # --- application commands ---
    async def put_commands(self, call: Call) -> Answer:
        fake = self.fake
        guild_id = int(call.params["guild_id"]) if "guild_id" in call.params else None
        if int(call.params["application_id"]) != fake.application_id:
            return error(403, 50001, "Missing Access")
        problems = check_commands(call.body or [])
        if problems:
            for problem in problems:
                fake.fail(f"command sync: {problem}")
            return error(400, 50035, "Invalid Form Body")
        self.command_writes += 1
        stored = fake.store_commands(guild_id, call.body or [])
        return Answer(200, stored)

    async def get_commands(self, call: Call) -> Answer:
        guild_id = int(call.params["guild_id"]) if "guild_id" in call.params else None
        return Answer(200, self.fake.commands.get(guild_id, []))

    # --- interactions ---
    async def callback(self, call: Call) -> Answer:
        fake = self.fake
        exchange = fake.exchanges.get(int(call.params["interaction_id"]))
        if exchange is None or exchange.token != call.params["interaction_token"]:
            return error(404, *UNKNOWN_INTERACTION)
        if exchange.acknowledged:
            return error(400, 40060, "Interaction has already been acknowledged.")
        elapsed = time.perf_counter() - exchange.dispatched_at
        if elapsed > DEADLINE:
            exchange.late = True
            fake.fail(f"interaction {exchange.id} answered after {elapsed:.2f} s (deadline 3 s)")
            return error(404, *UNKNOWN_INTERACTION)
        kind = call.body.get("type")
        data = call.body.get("data") or {}
        allowed = {
            AUTOCOMPLETE: {AUTOCOMPLETE_RESULT},
            COMPONENT: {MESSAGE_WITH_SOURCE, DEFERRED_WITH_SOURCE, DEFERRED_UPDATE, UPDATE_MESSAGE},
        }.get(exchange.type, {MESSAGE_WITH_SOURCE, DEFERRED_WITH_SOURCE})
        if kind not in allowed:
            fake.fail(f"callback type {kind} is not valid for interaction type {exchange.type}")
            return error(400, 40094, "Invalid interaction response type")
        exchange.acknowledged_at = time.perf_counter()
        exchange.callback_type = kind
        message: Message | None = None
        if kind == MESSAGE_WITH_SOURCE:
            problem = empty_message(data, call.files)
            if problem:
                return problem
            message = fake.interaction_message(exchange, data, call.files)
            exchange.response = message
        elif kind == DEFERRED_WITH_SOURCE:
            message = fake.interaction_message(exchange, {"flags": LOADING | data.get("flags", 0)})
            exchange.response = message
        elif kind == UPDATE_MESSAGE:
            assert exchange.message is not None
            fake.update_message(exchange.message, data, call.files)
            message = exchange.message
        elif kind == AUTOCOMPLETE_RESULT:
            exchange.choices = list(data.get("choices", []))
        fake.changed()
        if call.query.get("with_response") not in ("1", "true", "True"):
            return Answer(204)
        body: dict[str, Any] = {"interaction": {"id": str(exchange.id), "type": exchange.type}}
        if message is not None:
            body["interaction"] |= {
                "response_message_id": str(message.id),
                "response_message_loading": kind == DEFERRED_WITH_SOURCE,
                "response_message_ephemeral": message.ephemeral,
            }
        if message is not None and kind in (MESSAGE_WITH_SOURCE, UPDATE_MESSAGE):
            body["resource"] = {"type": kind, "message": message.json()}
        return Answer(200, body)

    def _exchange(self, call: Call) -> Exchange | Answer:
        fake = self.fake
        if int(call.params["webhook_id"]) != fake.application_id:
            return error(404, *UNKNOWN_WEBHOOK)
        exchange = fake.by_token.get(call.params["webhook_token"])
        if exchange is None:
            return error(404, *UNKNOWN_WEBHOOK)
        if time.perf_counter() - exchange.dispatched_at > TOKEN_LIFETIME:
            return error(401, 50027, "Invalid Webhook Token")
        if not exchange.acknowledged:
            fake.fail(f"a follow-up for interaction {exchange.id} came before its response")
            return error(400, 40060, "Interaction has not been acknowledged.")
        return exchange

    async def followup(self, call: Call) -> Answer:
        exchange = self._exchange(call)
        if isinstance(exchange, Answer):
            return exchange
        problem = empty_message(call.body, call.files)
        if problem:
            return problem
        message = self.fake.interaction_message(exchange, call.body, call.files)
        exchange.followups.append(message)
        self.fake.changed()
        return Answer(200, message.json())

    async def get_original(self, call: Call) -> Answer:
        exchange = self._exchange(call)
        if isinstance(exchange, Answer):
            return exchange
        if exchange.response is None or exchange.response.deleted:
            return error(404, *UNKNOWN_MESSAGE)
        return Answer(200, exchange.response.json())

    async def edit_original(self, call: Call) -> Answer:
        exchange = self._exchange(call)
        if isinstance(exchange, Answer):
            return exchange
        if exchange.response is None or exchange.response.deleted:
            return error(404, *UNKNOWN_MESSAGE)
        exchange.response.flags &= ~LOADING
        self.fake.update_message(exchange.response, call.body, call.files)
        return Answer(200, exchange.response.json())

    async def delete_original(self, call: Call) -> Answer:
        exchange = self._exchange(call)
        if isinstance(exchange, Answer):
            return exchange
        if exchange.response is None or exchange.response.deleted:
            return error(404, *UNKNOWN_MESSAGE)
        exchange.response.deleted = True
        self.fake.changed()
        return Answer(204)

    def _followup(self, call: Call) -> Message | Answer:
        exchange = self._exchange(call)
        if isinstance(exchange, Answer):
            return exchange
        wanted = int(call.params["message_id"])
        found = next((m for m in exchange.followups if m.id == wanted and not m.deleted), None)
        return found if found is not None else error(404, *UNKNOWN_MESSAGE)

    async def get_followup(self, call: Call) -> Answer:
        found = self._followup(call)
        return found if isinstance(found, Answer) else Answer(200, found.json())

    async def edit_followup(self, call: Call) -> Answer:
        found = self._followup(call)
        if isinstance(found, Answer):
            return found
        self.fake.update_message(found, call.body, call.files)
        return Answer(200, found.json())

    async def delete_followup(self, call: Call) -> Answer:
        found = self._followup(call)
        if isinstance(found, Answer):
            return found
        found.deleted = True
        self.fake.changed()
        return Answer(204)

    # --- channels and messages ---
    async def get_channel(self, call: Call) -> Answer:
        channel = self.fake.channel_by_id(int(call.params["channel_id"]))
        return error(404, *UNKNOWN_CHANNEL) if channel is None else Answer(200, channel.json())

    async def open_dm(self, call: Call) -> Answer:
        user = self.fake.users.get(int(call.body["recipient_id"]))
        if user is None:
            return error(400, 50035, "Invalid Form Body")
        self.fake.dm_opens.append(time.monotonic())
        return Answer(200, self.fake.dm_channel(user).json())

    async def create_message(self, call: Call) -> Answer:
        fake = self.fake
        channel = fake.channel_by_id(int(call.params["channel_id"]))
        if channel is None or channel.type not in (TEXT, DM, VOICE, STAGE):
            return error(404, *UNKNOWN_CHANNEL)
        if channel.recipient is not None and not channel.recipient.accepts_dms:
            return error(403, 50007, "Cannot send messages to this user")
        problem = empty_message(call.body, call.files)
        if problem:
            return problem
        nonce = call.body.get("nonce")
        if nonce is not None and call.body.get("enforce_nonce"):
            earlier = fake.nonces.get((channel.id, str(nonce)))
            if earlier is not None and time.time() - earlier[0] < NONCE_WINDOW:
                fake.nonce_hits += 1
                return Answer(200, earlier[1].json())
        message = fake.new_message(channel, fake.bot, call.body, call.files)
        if nonce is not None:
            message.nonce = str(nonce)
            fake.nonces[(channel.id, str(nonce))] = (time.time(), message)
        fake.dispatch_message("MESSAGE_CREATE", message)
        return Answer(200, message.json())

    def _channel_message(self, call: Call) -> Message | Answer:
        message = self.fake.messages_by_id.get(int(call.params["message_id"]))
        if message is None or message.deleted:
            return error(404, *UNKNOWN_MESSAGE)
        if message.channel_id != int(call.params["channel_id"]):
            return error(404, *UNKNOWN_MESSAGE)
        return message

    async def get_message(self, call: Call) -> Answer:
        found = self._channel_message(call)
        return found if isinstance(found, Answer) else Answer(200, found.json())

    async def edit_message(self, call: Call) -> Answer:
        found = self._channel_message(call)
        if isinstance(found, Answer):
            return found
        if found.author.id != self.fake.bot.id:
            return error(403, 50005, "Cannot edit a message authored by another user")
        self.fake.update_message(found, call.body, call.files)
        self.fake.dispatch_message("MESSAGE_UPDATE", found)
        return Answer(200, found.json())

    async def delete_message(self, call: Call) -> Answer:
        found = self._channel_message(call)
        if isinstance(found, Answer):
            return found
        found.deleted = True
        self.fake.changed()
        return Answer(204)

    # --- members and voice ---
    async def get_member(self, call: Call) -> Answer:
        guild = self.fake.guilds.get(int(call.params["guild_id"]))
        member = guild.members.get(int(call.params["user_id"])) if guild else None
        if member is None:
            return error(404, *UNKNOWN_MEMBER)
        return Answer(200, member.json())

    async def edit_member(self, call: Call) -> Answer:
        fake = self.fake
        guild = fake.guilds.get(int(call.params["guild_id"]))
        member = guild.members.get(int(call.params["user_id"])) if guild else None
        if guild is None or member is None:
            return error(404, *UNKNOWN_MEMBER)
        unsupported = set(call.body) - {"mute"}
        if unsupported:
            fake.fail(f"member edit of {sorted(unsupported)} is not supported by the fake")
        if "mute" in call.body:
            if member.voice is None:
                return error(400, 40032, "Target user is not connected to voice.")
            member.mute = bool(call.body["mute"])
            fake.mute_log.append((member.user.id, member.mute))
            fake.gateway.dispatch("VOICE_STATE_UPDATE", voice_state_json(guild, member))
            fake.changed()
        return Answer(200, member.json())

    # --- scheduled events ---
    async def list_events(self, call: Call) -> Answer:
        guild = self.fake.guilds.get(int(call.params["guild_id"]))
        if guild is None:
            return error(404, 10004, "Unknown Guild")
        return Answer(200, [e.json() for e in guild.events.values()])

    async def create_event(self, call: Call) -> Answer:
        fake = self.fake
        guild = fake.guilds.get(int(call.params["guild_id"]))
        if guild is None:
            return error(404, 10004, "Unknown Guild")
        body = dict(call.body)
        problem = check_event(body, guild.channels, creating=True)
        if problem:
            return error(400, 50035, problem)
        if sum(e.status in (1, 2) for e in guild.events.values()) >= MAX_EVENTS:
            return error(400, 30038, "Maximum number of uncompleted guild scheduled events reached")
        event = ScheduledEvent(fake.ids.next(), guild.id, fake.bot, body)
        guild.events[event.id] = event
        fake.gateway.dispatch("GUILD_SCHEDULED_EVENT_CREATE", event.json())
        fake.changed()
        return Answer(200, event.json())

    def _event(self, call: Call) -> ScheduledEvent | Answer:
        guild = self.fake.guilds.get(int(call.params["guild_id"]))
        event = guild.events.get(int(call.params["guild_scheduled_event_id"])) if guild else None
        return event if event is not None else error(404, *UNKNOWN_EVENT)

    async def get_event(self, call: Call) -> Answer:
        found = self._event(call)
        return found if isinstance(found, Answer) else Answer(200, found.json())

    async def edit_event(self, call: Call) -> Answer:
        found = self._event(call)
        if isinstance(found, Answer):
            return found
        body = dict(call.body)
        if found.status in (COMPLETED, CANCELED):
            return error(400, 180000, "Cannot update a finished event")
        moved = _when(body.get("scheduled_start_time"))
        if moved is not None and found.status == 1 and moved <= datetime.now(UTC):
            return error(400, 50035, "Cannot schedule event in the past.")
        status = body.pop("status", None)
        if status is not None and status != found.status:
            if (found.status, status) not in EVENT_TRANSITIONS:
                return error(400, 180000, f"Cannot change status from {found.status} to {status}")
            found.status = status
        merged = {**found.data, **body}
        problem = check_event(merged, self.fake.guilds[found.guild_id].channels, creating=False)
        if problem:
            return error(400, 50035, problem)
        found.data = merged
        self.fake.gateway.dispatch("GUILD_SCHEDULED_EVENT_UPDATE", found.json())
        self.fake.changed()
        return Answer(200, found.json())

    async def delete_event(self, call: Call) -> Answer:
        found = self._event(call)
        if isinstance(found, Answer):
            return found
        del self.fake.guilds[found.guild_id].events[found.id]
        self.fake.gateway.dispatch("GUILD_SCHEDULED_EVENT_DELETE", found.json())
        self.fake.changed()
        return Answer(204)


def empty_message(body: dict[str, Any], files: list[dict[str, Any]]) -> Answer | None:
    if body.get("content") or body.get("embeds") or body.get("components") or files:
        return None
    return error(400, 50006, "Cannot send an empty message")


def check_event(body: dict[str, Any], channels: dict[int, Channel], *, creating: bool) -> str:
    """Discord's rules for a scheduled event that the schema alone does not express."""
    entity = body.get("entity_type")
    start = _when(body.get("scheduled_start_time"))
    end = _when(body.get("scheduled_end_time"))
    if start is None:
        return "scheduled_start_time is required"
    if creating and start <= datetime.now(UTC):
        return "Cannot schedule event in the past."
    if end is not None and end <= start:
        return "scheduled_end_time must be after scheduled_start_time"
    if entity == 3:
        location = (body.get("entity_metadata") or {}).get("location")
        if not location or len(location) > 100:
            return "an external event needs entity_metadata.location (1-100 characters)"
        if end is None:
            return "an external event needs scheduled_end_time"
        if body.get("channel_id"):
            return "an external event has no channel"
    elif entity in (1, 2):
        channel = channels.get(int(body.get("channel_id") or 0))
        wanted = STAGE if entity == 1 else VOICE
        if channel is None or channel.type != wanted:
            return "channel_id must be a channel of the entity type"
    else:
        return f"unknown entity_type {entity!r}"
    return ""


def _when(raw: Any) -> datetime | None:
    if not isinstance(raw, str):
        return None
    return datetime.fromisoformat(raw.replace("Z", "+00:00"))


def check_commands(commands: list[dict[str, Any]]) -> list[str]:
    """What Discord checks when commands are written, beyond the schema."""
    problems: list[str] = []
    _check_level(commands, "", problems, top=True)
    return problems


def _check_level(
    items: list[dict[str, Any]], where: str, problems: list[str], *, top: bool = False
) -> None:
    names: set[str] = set()
    local: dict[str, set[str]] = {}
    seen_optional = False
    for item in items:
        name = str(item.get("name", ""))
        here = f"{where}{name}"
        if not NAME.fullmatch(name) or name != name.lower():
            problems.append(f"{here!r}: invalid name")
        if name in names:
            problems.append(f"{here!r}: duplicate name")
        names.add(name)
        for locale, text in (item.get("name_localizations") or {}).items():
            if not NAME.fullmatch(text) or text != text.lower():
                problems.append(f"{here!r}: invalid {locale} name {text!r}")
            if text in local.setdefault(locale, set()):
                problems.append(f"{here!r}: duplicate {locale} name {text!r}")
            local[locale].add(text)
        description = item.get("description", "")
        if (not top or item.get("type", 1) == 1) and not 1 <= len(description) <= 100:
            problems.append(f"{here!r}: description must have 1-100 characters")
        for locale, text in (item.get("description_localizations") or {}).items():
            if not 1 <= len(text) <= 100:
                problems.append(f"{here!r}: {locale} description must have 1-100 characters")
        kind = item.get("type")
        if not top and kind not in (1, 2):
            required = bool(item.get("required"))
            if required and seen_optional:
                problems.append(f"{here!r}: required option after an optional one")
            seen_optional = seen_optional or not required
            if item.get("choices") and item.get("autocomplete"):
                problems.append(f"{here!r}: choices and autocomplete together")
            if len(item.get("choices") or []) > 25:
                problems.append(f"{here!r}: more than 25 choices")
        options = item.get("options") or []
        if len(options) > 25:
            problems.append(f"{here!r}: more than 25 options")
        _check_level(options, f"{here} ", problems)
