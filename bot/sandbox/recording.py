"""Every REST request recorded as it arrives, then faults, the spec and the route, in that order.

Answers carry `Content-Type: application/json` exactly: discord.py treats a body with a
charset as text. Anything no route handles is a recorded 404, like Discord's.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.clock import Clock
from bot.sandbox.faults import Faults
from bot.sandbox.feed import Feed
from bot.sandbox.uploads import read_form

if TYPE_CHECKING:
    from bot.sandbox.spec import DiscordSpec

API_PREFIX = "/api/v10"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class DiscordError(Exception):
    """An error answer in Discord's shape: an HTTP status, a JSON error code and a message."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message


@dataclass
class RecordedRequest:
    method: str
    path: str  # below /api/v10, e.g. /channels/123/messages
    query: dict[str, str]
    body: Any
    authorization: str | None
    arrived_at: datetime
    template: str | None = None  # the spec's path template, when the spec is loaded
    spec_problem: str | None = None  # why Discord's OpenAPI description rejects the body
    status: int | None = None  # filled in once answered
    response: Any = field(default=None, repr=False)

    def __repr__(self) -> str:
        return f"<{self.method} {self.path} -> {self.status}>"


RECORDED = web.RequestKey("recorded", RecordedRequest)


def json_answer(
    payload: Any, *, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    return web.Response(
        body=json.dumps(payload).encode(),
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def error_answer(error: DiscordError) -> web.Response:
    return json_answer({"message": error.message, "code": error.code}, status=error.status)


class Recorder:
    def __init__(self, clock: Clock, faults: Faults, spec: DiscordSpec | None) -> None:
        self.clock = clock
        self.faults = faults
        self.spec = spec
        self.requests: Feed[RecordedRequest] = Feed("request")

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX + "/"):
            return await handler(request)
        recorded = await self._record(request)
        answer = await self._answer(request, recorded, handler)
        recorded.status = answer.status
        if isinstance(answer, web.Response) and answer.body is not None:
            recorded.response = _json_or_none(answer.body)
        self.requests.append(recorded)
        return answer

    async def _record(self, request: web.Request) -> RecordedRequest:
        path = request.path[len(API_PREFIX) :]
        recorded = RecordedRequest(
            method=request.method,
            path=path,
            query=dict(request.query),
            body=await _body_of(request),
            authorization=request.headers.get("Authorization"),
            arrived_at=self.clock.now(),
        )
        if self.spec is not None:
            recorded.template = self.spec.template_for(request.method, path)
            recorded.spec_problem = self.spec.problem(request.method, path, recorded.body)
        request[RECORDED] = recorded
        return recorded

    async def _answer(
        self, request: web.Request, recorded: RecordedRequest, handler: Handler
    ) -> web.StreamResponse:
        fault = self.faults.due_for(recorded.method, recorded.path)
        if fault is not None:
            return json_answer(fault.body, status=fault.status, headers=fault.headers)
        if recorded.spec_problem is not None:
            # Discord refuses such a body as a whole: nothing of it takes effect
            problem = {"code": "SPEC_INVALID", "message": recorded.spec_problem}
            errors = {
                "body": {"_errors": [problem]}
            }  # Discord's nested shape, which discord.py reads
            body = {"message": "Invalid Form Body", "code": 50035, "errors": errors}
            return json_answer(body, status=400)
        try:
            return await handler(request)
        except DiscordError as error:
            return error_answer(error)
        except web.HTTPNotFound:
            return json_answer({"message": "404: Not Found", "code": 0}, status=404)
        except web.HTTPMethodNotAllowed:
            return json_answer({"message": "405: Method Not Allowed", "code": 0}, status=405)


async def _body_of(request: web.Request) -> Any:
    if not request.can_read_body:
        return None
    if request.content_type == "multipart/form-data":
        return await read_form(request)  # the files are kept on the request for the route
    text = await request.text()
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _json_or_none(body: Any) -> Any:
    if not isinstance(body, bytes) or not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None
