"""The one middleware: the Host must be allowed, and API calls must carry the shared secret
when one is configured.

Async only, so it never costs a thread hop. Django checks ALLOWED_HOSTS only when something
asks for the host, and no stock middleware is here to ask, so this does. The example API
needs no secret: examples call it without one, and it serves nothing private; nor do the
health check and the API's description.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.utils.decorators import async_only_middleware

from tutor.service import tutor_of
from wire.runs import SECRET_HEADER

GetResponse = Callable[[HttpRequest], Awaitable[HttpResponseBase]]
log = logging.getLogger("tutor.requests")
OPEN_PREFIXES = ("/example-api/", "/api/health", "/api/openapi.json")


@async_only_middleware
def guard(get_response: GetResponse) -> GetResponse:
    async def middleware(request: HttpRequest) -> HttpResponseBase:
        try:
            request.get_host()  # checks the Host against ALLOWED_HOSTS
        except DisallowedHost:  # one line, not Django's traceback per request
            host = request.META.get("HTTP_HOST", "")[:100]
            log.warning("refused a request for host %r: not in TUTOR_ALLOWED_HOSTS", host)
            return JsonResponse({"error": "this host name is not served here"}, status=400)
        secret = tutor_of(request).config.secret
        if secret and not request.path.startswith(OPEN_PREFIXES):
            sent = request.headers.get(SECRET_HEADER, "")
            if not hmac.compare_digest(sent.encode(), secret.reveal().encode()):
                return JsonResponse({"error": f"missing or wrong {SECRET_HEADER}"}, status=401)
        return await get_response(request)

    return middleware
