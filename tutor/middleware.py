"""The one middleware: when a shared secret is configured, API calls must carry it.

Async only, so it never costs a thread hop. The example API stays open: examples call it
without the secret, and it serves nothing private.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable

from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.utils.decorators import async_only_middleware

from tutor.config import SECRET_HEADER
from tutor.service import tutor_of

GetResponse = Callable[[HttpRequest], Awaitable[HttpResponseBase]]
OPEN_PREFIXES = ("/example-api/", "/api/health")


@async_only_middleware
def require_shared_secret(get_response: GetResponse) -> GetResponse:
    async def middleware(request: HttpRequest) -> HttpResponseBase:
        secret = tutor_of(request).config.secret
        if secret and not request.path.startswith(OPEN_PREFIXES):
            sent = request.headers.get(SECRET_HEADER, "")
            if not hmac.compare_digest(sent.encode(), secret.encode()):
                return JsonResponse({"error": f"missing or wrong {SECRET_HEADER}"}, status=401)
        return await get_response(request)

    return middleware
