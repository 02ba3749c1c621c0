"""The HTTP API that examples call (never the internet), as documented in exercises/README.md.

Served by the tutor service itself under /example-api; workers get its base URL.
"""

from __future__ import annotations

import asyncio
import json

from django.http import HttpRequest, HttpResponse, JsonResponse

QUOTES = {
    1: "Simple is better than complex.",
    2: "Readability counts.",
    3: "Errors should never pass silently.",
}
MAX_SLEEP = 5.0


def _method(request: HttpRequest, method: str) -> JsonResponse | None:
    if request.method != method:
        return JsonResponse({"error": f"use {method}"}, status=405)
    return None


async def quote(request: HttpRequest, number: str) -> JsonResponse:
    if wrong := _method(request, "GET"):
        return wrong
    key = int(number) if number.isdigit() else 0
    if key not in QUOTES:
        return JsonResponse({"error": "no such quote"}, status=404)
    return JsonResponse({"id": key, "text": QUOTES[key]})


async def slow(request: HttpRequest) -> JsonResponse:
    if wrong := _method(request, "GET"):
        return wrong
    raw = request.GET.get("seconds", "")
    try:
        seconds: int | float = int(raw)
    except ValueError:
        try:
            seconds = float(raw)
        except ValueError:
            return JsonResponse({"error": "seconds must be a number"}, status=400)
    if not 0 <= seconds <= MAX_SLEEP:
        return JsonResponse({"error": f"seconds must be 0 to {MAX_SLEEP:g}"}, status=400)
    await asyncio.sleep(seconds)
    return JsonResponse({"slept": seconds})


async def weather(request: HttpRequest) -> JsonResponse:
    if wrong := _method(request, "GET"):
        return wrong
    city = request.GET.get("city")
    if not city:
        return JsonResponse({"error": "city is required"}, status=400)
    return JsonResponse({"city": city, "temp_c": 21})


async def status(request: HttpRequest, code: int) -> HttpResponse:
    if not 200 <= code <= 599:
        return JsonResponse({"error": "status must be 200 to 599"}, status=400)
    if code in (204, 304):  # these may not carry a body
        return HttpResponse(status=code)
    return JsonResponse({"status": code}, status=code)


async def echo(request: HttpRequest) -> JsonResponse:
    if wrong := _method(request, "POST"):
        return wrong
    try:
        data = json.loads(request.body)
    except ValueError:
        return JsonResponse({"error": "send a JSON body"}, status=400)
    return JsonResponse(data, safe=False)
