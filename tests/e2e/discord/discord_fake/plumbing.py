"""The HTTP side of the fake: every REST call is authenticated, parsed (JSON or multipart),
checked against the OpenAPI description, possibly answered with an injected fault (a 429 as
Discord sends it, a lost response), logged, and its answer checked too."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from .limits import Verdict
from .rest import Answer, Call, error

API = "/api/v10"


@dataclass
class Fault:
    method: str
    template: str
    times: int
    status: int
    retry_after: float = 0.0
    is_global: bool = False
    apply_first: bool = False
    """Do the work, then answer with the error (a response lost on the way back)."""


@dataclass
class Request:
    method: str
    template: str
    path: str
    body: Any
    status: int
    at: float = field(default_factory=time.perf_counter)


class Plumbing:
    """Part of :class:`~discord_fake.server.FakeDiscord`."""

    def rate_limit(
        self,
        method: str,
        template: str,
        *,
        times: int = 1,
        retry_after: float = 0.05,
        is_global: bool = False,
    ) -> None:
        self.faults.append(Fault(method, template, times, 429, retry_after, is_global))

    def lose_response(self, method: str, template: str, *, status: int = 500) -> None:
        """Do the next such request, then answer ``status`` as if the answer got lost."""
        self.faults.append(Fault(method, template, 1, status, apply_first=True))

    def _endpoint(
        self, template: str, handler: Callable[[Call], Any]
    ) -> Callable[[web.Request], Any]:
        async def endpoint(request: web.Request) -> web.Response:
            return await self._serve(request, template, handler)

        return endpoint

    async def _serve(
        self, request: web.Request, template: str, handler: Callable[[Call], Any]
    ) -> web.Response:
        method = request.method
        webhook = template.startswith(("/webhooks/", "/interactions/"))
        if not webhook and request.headers.get("Authorization") != f"Bot {self.token}":
            return self._respond(request, template, error(401, 0, "401: Unauthorized"), None)
        body, files = await _read_body(request)
        call = Call(template, method, dict(request.match_info), dict(request.query), body, files)
        if self.openapi is not None:
            problems = self.openapi.check_request(template, method, body, call.query)
            for problem in problems:
                self.fail(f"request {method} {template}: {problem}")
            if problems:
                answer = error(400, 50035, "Invalid Form Body")
                return self._respond(request, template, answer, body, invalid=True)
        verdict = self.limits.check(method, template, call.params)
        if verdict is not None and verdict.refused:
            return self._respond(request, template, _limited(verdict), body, verdict=verdict)
        fault = self._fault(method, template)
        if fault is not None and not fault.apply_first:
            return self._respond(request, template, _fault_answer(fault), body, fault)
        answer: Answer = await handler(call)
        if fault is not None:
            return self._respond(request, template, _fault_answer(fault), body, fault)
        return self._respond(request, template, answer, body, verdict=verdict)

    def _fault(self, method: str, template: str) -> Fault | None:
        for fault in self.faults:
            if fault.method == method and fault.template == template and fault.times > 0:
                fault.times -= 1
                return fault
        return None

    def _respond(
        self,
        request: web.Request,
        template: str,
        answer: Answer,
        body: Any,
        fault: Fault | None = None,
        *,
        invalid: bool = False,
        verdict: Verdict | None = None,
    ) -> web.Response:
        self.requests.append(Request(request.method, template, request.path, body, answer.status))
        headers = {"Content-Type": "application/json"}
        if verdict is not None:
            headers |= verdict.headers
            if verdict.refused:
                headers["Via"] = "1.1 google"  # without it, discord.py takes it for a ban
        checked = fault is None or fault.status == 429
        if self.openapi is not None and checked and not invalid and answer.status < 500:
            for problem in self.openapi.check_response(
                template, request.method, answer.status, answer.body, headers
            ):
                self.fail(f"response to {request.method} {template}: {problem}")
        if fault is not None and fault.status == 429:
            headers |= {
                "Via": "1.1 google",
                "Retry-After": str(max(1, round(fault.retry_after))),
                "X-RateLimit-Limit": "5",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": f"{time.time() + fault.retry_after:.3f}",
                "X-RateLimit-Reset-After": f"{fault.retry_after:.3f}",
                "X-RateLimit-Bucket": "fake-" + template.replace("/", "-").strip("-"),
                "X-RateLimit-Scope": "global" if fault.is_global else "user",
            }
            if fault.is_global:
                headers["X-RateLimit-Global"] = "true"
        self.changed()
        if answer.body is None:
            return web.Response(status=answer.status, headers={"Content-Length": "0"})
        return web.Response(status=answer.status, body=json.dumps(answer.body), headers=headers)

    async def _unknown(self, request: web.Request) -> web.Response:
        self.fail(f"unknown route {request.method} {request.path}")
        return web.Response(
            status=404,
            body=json.dumps({"message": "404: Not Found", "code": 0}),
            headers={"Content-Type": "application/json"},
        )

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Callable[[web.Request], Any]
    ) -> web.StreamResponse:
        try:
            response: web.StreamResponse = await handler(request)
        except web.HTTPException:
            raise
        except Exception as problem:
            self.fail(f"the fake crashed on {request.method} {request.path}: {problem!r}")
            raise
        return response


def _fault_answer(fault: Fault) -> Answer:
    if fault.status == 429:
        return Answer(
            429,
            {
                "code": 0,
                "message": "You are being rate limited.",
                "retry_after": fault.retry_after,
                "global": fault.is_global,
            },
        )
    return Answer(fault.status, {"message": "500: Internal Server Error", "code": 0})


def _limited(verdict: Verdict) -> Answer:
    assert verdict.retry_after is not None
    return Answer(
        429,
        {
            "code": 0,
            "message": "You are being rate limited.",
            "retry_after": round(verdict.retry_after, 3),
            "global": verdict.is_global,
        },
    )


async def _read_body(request: web.Request) -> tuple[Any, list[dict[str, Any]]]:
    if not request.can_read_body:
        return None, []
    kind = request.content_type
    if kind == "application/json":
        return await request.json(), []
    if kind == "multipart/form-data":
        form = await request.post()
        body = json.loads(str(form.get("payload_json", "{}")))
        files = []
        for name, value in form.items():
            if name.startswith("files[") and hasattr(value, "file"):
                files.append(
                    {
                        "filename": value.filename,
                        "content_type": value.content_type,
                        "data": value.file.read(),
                    }
                )
        return body, files
    raw = await request.read()
    return (raw.decode() or None), []
