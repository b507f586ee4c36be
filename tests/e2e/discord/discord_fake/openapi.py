"""Checks REST requests and responses of the fake against Discord's OpenAPI description.

The file is read from the path in ``CERCLE_DISCORD_OPENAPI`` (kept outside the repository); each
operation is found by its path template and method, and bodies are validated with jsonschema
through a ``referencing`` registry that holds the whole document."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

ENV = "CERCLE_DISCORD_OPENAPI"
URI = "urn:discord:openapi"
REQUEST_URI = "urn:discord:openapi:requests"
"""Requests are checked against a copy where a snowflake may also be a JSON integer: the
description only shows the string form Discord *returns*, but the API accepts integer ids and
discord.py (like most libraries) sends them so.  Responses are checked against the original."""


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


class OpenApi:
    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.document: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
        lenient = copy.deepcopy(self.document)
        snowflake = lenient["components"]["schemas"]["SnowflakeType"]
        lenient["components"]["schemas"]["SnowflakeType"] = {
            "anyOf": [snowflake, {"type": "integer", "minimum": 0}]
        }
        self.registry: Registry[Any] = Registry().with_resources(
            [
                (URI, Resource.from_contents(self.document, default_specification=DRAFT202012)),
                (REQUEST_URI, Resource.from_contents(lenient, default_specification=DRAFT202012)),
            ]
        )
        self._validators: dict[str, Draft202012Validator] = {}

    @classmethod
    def from_environment(cls) -> OpenApi | None:
        path = os.environ.get(ENV)
        return _load(path) if path else None

    def operation(self, template: str, method: str) -> dict[str, Any] | None:
        item = self.document["paths"].get(template)
        if item is None:
            return None
        found = item.get(method.lower())
        return found if isinstance(found, dict) else None

    def check_request(
        self, template: str, method: str, body: Any, query: dict[str, str]
    ) -> list[str]:
        operation = self.operation(template, method)
        if operation is None:
            return [f"{method} {template} is not in Discord's OpenAPI description"]
        problems: list[str] = []
        known = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
        problems += [f"unknown query parameter {name!r}" for name in query if name not in known]
        request = operation.get("requestBody")
        if request is None:
            if body is not None:
                problems.append("a body was sent where none is expected")
            return problems
        if body is None:
            if request.get("required"):
                problems.append("the body is missing")
            return problems
        pointer = _pointer(
            "paths",
            template,
            method.lower(),
            "requestBody",
            "content",
            "application/json",
            "schema",
        )
        return problems + self._validate(pointer, body, REQUEST_URI)

    def check_response(
        self,
        template: str,
        method: str,
        status: int,
        body: Any,
        headers: Mapping[str, str] | None = None,
    ) -> list[str]:
        operation = self.operation(template, method)
        if operation is None:
            return []
        responses = operation.get("responses", {})
        key = next(
            (k for k in (str(status), f"{status // 100}XX", "default") if k in responses), None
        )
        if key is None:
            return [f"status {status} is not a documented response"]
        response = responses[key]
        parts = ["paths", template, method.lower(), "responses", key]
        if "$ref" in response:
            parts = response["$ref"].removeprefix("#/").split("/")
            response = self._resolve(response["$ref"])
        problems = self._check_headers(response, headers or {})
        content = response.get("content")
        if content is None:
            return problems + ([] if body is None else [f"status {status} should have no body"])
        if body is None:
            return [*problems, f"status {status} should have a body"]
        pointer = _pointer(*parts, "content", "application/json", "schema")
        return problems + self._validate(pointer, body)

    def _check_headers(self, response: dict[str, Any], headers: Mapping[str, str]) -> list[str]:
        """Rate-limit headers: those sent must be documented for the answer, with their type."""
        documented = response.get("headers", {})
        problems: list[str] = []
        for name, value in headers.items():
            if not name.startswith("X-RateLimit-") or name in ("X-RateLimit-Global",):
                continue
            if name == "X-RateLimit-Scope":
                if value not in ("user", "global", "shared"):
                    problems.append(f"header {name}: {value!r} is not a scope")
                continue
            spec = documented.get(name)
            if spec is None:
                problems.append(f"header {name} is not documented for this answer")
                continue
            if "$ref" in spec:
                spec = self._resolve(spec["$ref"])
            kind = spec.get("schema", {}).get("type")
            parse = {"integer": int, "number": float}.get(str(kind), str)
            try:
                parse(value)
            except ValueError:
                problems.append(f"header {name}: {value!r} is not of type {kind}")
        return problems

    def check_schema(self, name: str, value: Any) -> list[str]:
        """Validate a value against a named component schema."""
        return self._validate(_pointer("components", "schemas", name), value)

    def check_dispatch(self, event: str, data: dict[str, Any]) -> list[str]:
        """Gateway payloads are not in the description, but the objects they carry are the
        REST API's: check those (guilds, channels, members, messages, events, voice states)."""
        problems: list[str] = []
        for where, name, value in _gateway_parts(event, data):
            problems += [f"{where}: {p}" for p in self.check_schema(name, value)]
        return problems

    def _resolve(self, ref: str) -> dict[str, Any]:
        node: Any = self.document
        for part in ref.removeprefix("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return dict(node)

    def _validate(self, pointer: str, value: Any, base: str = URI) -> list[str]:
        ref = f"{base}#/{pointer}"
        validator = self._validators.get(ref)
        if validator is None:
            validator = Draft202012Validator({"$ref": ref}, registry=self.registry)
            self._validators[ref] = validator
        return [
            f"{'/'.join(str(p) for p in error.absolute_path) or '(body)'}: {_short(error)}"
            for error in validator.iter_errors(value)
        ]


def _short(error: Any) -> str:
    """The reason; for anyOf/oneOf, the most specific reasons of the alternatives."""
    if not error.context:
        return str(error.message)[:300]
    deepest = sorted(error.context, key=lambda e: -len(e.absolute_path))[:4]
    reasons = [f"{'/'.join(map(str, e.absolute_path))}: {str(e.message)[:120]}" for e in deepest]
    return f"no alternative fits ({'; '.join(reasons)})"


EVENT_SCHEMAS = {1: "StageScheduledEventResponse", 2: "VoiceScheduledEventResponse"}


def _event_schema(event: dict[str, Any]) -> str:
    return EVENT_SCHEMAS.get(event.get("entity_type", 3), "ExternalScheduledEventResponse")


def _gateway_parts(event: str, data: dict[str, Any]) -> list[tuple[str, str, Any]]:
    parts: list[tuple[str, str, Any]] = []
    if event == "READY":
        parts.append(("user", "UserPIIResponse", data["user"]))
    elif event == "GUILD_CREATE":
        parts.append(("guild", "GuildResponse", data))
        parts += [("channel", "GuildChannelResponse", c) for c in data["channels"]]
        parts += [("member", "GuildMemberResponse", m) for m in data["members"]]
        parts += [("voice state", "VoiceStateResponse", v) for v in data["voice_states"]]
        parts += [("event", _event_schema(e), e) for e in data["guild_scheduled_events"]]
    elif event.startswith("GUILD_SCHEDULED_EVENT_"):
        parts.append(("event", _event_schema(data), data))
    elif event in ("MESSAGE_CREATE", "MESSAGE_UPDATE"):
        parts.append(("message", "MessageResponse", data))
    elif event == "GUILD_MEMBER_REMOVE":
        parts.append(("user", "UserResponse", data["user"]))
    elif event == "VOICE_STATE_UPDATE":
        parts.append(("voice state", "VoiceStateResponse", data))
        parts.append(("member", "GuildMemberResponse", data["member"]))
    elif event == "INTERACTION_CREATE":
        if "member" in data:
            parts.append(("member", "GuildMemberResponse", data["member"]))
            parts.append(("channel", "GuildChannelResponse", data["channel"]))
        else:
            parts.append(("user", "UserResponse", data["user"]))
            parts.append(("channel", "PrivateChannelResponse", data["channel"]))
        if "message" in data:
            parts.append(("message", "MessageResponse", data["message"]))
    return parts


@cache
def _load(path: str) -> OpenApi:
    return OpenApi(path)
