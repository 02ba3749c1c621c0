"""Hand-built exercises for the tutor's tests: each shows one behaviour of the runner."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from exercises.model import (
    Blank,
    Difficulty,
    Expectation,
    FillInTheBlank,
    MultipleChoice,
    Option,
    Request,
    Run,
    RunTarget,
)

LETTERS = "ABCD"


def _common(exercise_id: str) -> dict[str, Any]:
    pack, slug = exercise_id.split("/")
    return {
        "id": exercise_id,
        "pack": pack,
        "slug": slug,
        "difficulty": Difficulty.EASY,
        "title": slug,
        "prompt": "?",
        "hints": ("a hint",),
        "mistakes": ("a mistake",),
        "solution": ("a step",),
    }


def fill(
    exercise_id: str,
    code: str,
    options: Sequence[str],
    answers: str,
    *,
    expect: Expectation,
    blank_expect: Mapping[int, Mapping[str, Expectation]] | None = None,
    **run: Any,
) -> FillInTheBlank:
    """A fill-in-the-blank exercise; `run` holds the Run fields (view=..., request=...)."""
    blanks = tuple(
        Blank(
            number=number,
            answer=answer,
            feedback={letter: "wrong" for letter in LETTERS[: len(options)] if letter != answer},
            expect=(blank_expect or {}).get(number, {}),
        )
        for number, answer in enumerate(answers, start=1)
    )
    return FillInTheBlank(
        **_common(exercise_id),
        options=tuple(Option(LETTERS[i], text) for i, text in enumerate(options)),
        code=code,
        blanks=blanks,
        run=Run(target=RunTarget.FILLED_CODE, expect=expect, **run),
    )


def choice(
    exercise_id: str,
    options: Sequence[str],
    correct: str,
    *,
    expect: Expectation | None = None,
    option_expect: Mapping[str, Expectation] | None = None,
    code: str | None = None,
    target: RunTarget = RunTarget.OPTIONS,
    **run: Any,
) -> MultipleChoice:
    """A multiple-choice exercise; with `expect` it runs (its options' code, or its snippet)."""
    is_code = target is RunTarget.OPTIONS and expect is not None
    letters = LETTERS[: len(options)]
    return MultipleChoice(
        **_common(exercise_id),
        options=tuple(Option(letters[i], text, is_code) for i, text in enumerate(options)),
        correct=correct,
        feedback={letter: "wrong" for letter in letters if letter != correct},
        expect=option_expect or {},
        code=code,
        run=Run(target=target, expect=expect, **run) if expect is not None else None,
    )


JSON_VIEW = fill(
    "t/json",
    """
from django.http import JsonResponse

async def greet(request):
    data = {"message": "Hello, async!"}
    return ⟦1⟧(data)
""".lstrip(),
    ["JsonResponse", "HttpResponse", "render", "redirect"],
    "A",
    view="greet",
    request=Request(path="/greet/"),
    expect=Expectation(status=200, json={"message": "Hello, async!"}),
    blank_expect={1: {"B": Expectation(raises="NameError")}},
)

ECHO_TWO_BLANKS = fill(
    "t/echo",
    """
from django.http import JsonResponse

async def echo_view(request):
    word = request.GET.get(⟦1⟧, "nothing")
    return JsonResponse({⟦2⟧: word})
""".lstrip(),
    ["'echo'", "'text'", "text"],
    "BA",
    view="echo_view",
    request=Request(path="/echo/", query={"text": "hello"}),
    expect=Expectation(status=200, json={"echo": "hello"}),
)

PRELUDE = "import asyncio\nimport time\nfrom django.http import HttpResponse\n"

SLEEPERS = choice(
    "t/sleepers",
    [
        "async def nap(request):\n    await asyncio.sleep(0.5)\n    return HttpResponse('ok')",
        "async def nap(request):\n    time.sleep(0.5)\n    return HttpResponse('ok')",
        "async def nap(request):\n    time.sleep(30)\n    return HttpResponse('ok')",
        "async def nap(request):\n    while True:\n        pass",
    ],
    "A",
    prelude=PRELUDE,
    view="nap",
    request=Request(path="/nap/"),
    concurrent=2,
    expect=Expectation(status=200, body="ok", min_seconds=0.5, max_seconds=0.9),
    option_expect={"B": Expectation(status=200, body="ok", min_seconds=1.0)},
)
"""A: two overlapping sleeps; B blocks the loop (twice as long); C and D never finish."""

COROUTINE = choice(
    "t/gather",
    [
        "async def main():\n    return await asyncio.gather(one(), two())",
        "async def main():\n    one()\n    return [await two()]",
    ],
    "A",
    prelude="import asyncio\n\nasync def one():\n    await asyncio.sleep(0.2)\n    return 1\n\n"
    "async def two():\n    await asyncio.sleep(0.2)\n    return (2, 'two')\n",
    coroutine="main",
    expect=Expectation(returns=[1, [2, "two"]]),
    option_expect={"B": Expectation(warning_contains="was never awaited")},
)

GATHERED_OR_NOT = choice(
    "t/gathered-or-not",
    [
        "async def main():\n    return list(await asyncio.gather(wait(), wait()))",
        "async def main():\n    return [await wait(), await wait()]",
    ],
    "A",
    prelude="import asyncio\n\nasync def wait():\n    await asyncio.sleep(1)\n    return 1\n",
    coroutine="main",
    expect=Expectation(returns=[1, 1], min_seconds=1.0),
    option_expect={"B": Expectation(returns=[1, 1], min_seconds=2.0)},
)
"""Two one-second waits: gathered (1 s), or one after the other (2 s)."""

BOOKS = choice(
    "t/books",
    [
        """async def books(request):
    rows = [
        {"id": b.pk, "title": b.title, "author": b.author.name, "author_id": b.author_id,
         "year": b.year, "pages": b.pages}
        async for b in Book.objects.select_related("author").order_by("pk")
    ]
    return JsonResponse({"authors": await Author.objects.acount(), "books": rows})""",
        """def books(request):
    return JsonResponse({"count": Book.objects.count()})""",
        """async def books(request):
    return JsonResponse({"count": Book.objects.count()})""",
        """async def books(request):
    _, deleted = await Book.objects.all().adelete()  # books, and their shelves' links
    left = await Book.objects.acount()
    return JsonResponse({"deleted": deleted["library.Book"], "left": left})""",
    ],
    "A",
    prelude="from django.http import JsonResponse\nfrom library.models import Author, Book\n",
    view="books",
    request=Request(path="/books/"),
    expect=Expectation(status=200, body_contains="Earthsea"),
)
"""A lists the seeded rows; B is a sync view; C calls the ORM from async code; D deletes all."""

SHELVES_AND_MEMBERS = choice(
    "t/shelves",
    [
        """async def seeded(request):
    shelves = {
        shelf.name: [book.title async for book in shelf.books.order_by("pk")]
        async for shelf in Shelf.objects.order_by("pk")
    }
    members = [[u.pk, u.username, u.is_staff] async for u in User.objects.order_by("pk")]
    return JsonResponse({"shelves": shelves, "members": members})""",
        """async def seeded(request):
    tries = [("reader", "reader-pass"), ("librarian", "librarian-pass"), ("reader", "guess")]
    users = [await aauthenticate(username=name, password=word) for name, word in tries]
    return JsonResponse({"logged_in": [user.username if user else None for user in users]})""",
    ],
    "A",
    prelude="from django.contrib.auth import aauthenticate\n"
    "from django.contrib.auth.models import User\n"
    "from django.http import JsonResponse\nfrom library.models import Shelf\n",
    view="seeded",
    request=Request(path="/seeded/"),
    expect=Expectation(status=200, body_contains="Staff picks"),
)
"""A lists the seeded shelves and members; B logs each member in with their documented password."""

CALLS_API = choice(
    "t/api",
    [
        """async def calls(request):
    base = settings.EXAMPLE_API_URL
    async with httpx.AsyncClient() as client:
        answers = await asyncio.gather(
            client.get(f"{base}/quotes/2"),
            client.get(f"{base}/quotes/9"),
            client.get(f"{base}/weather", params={"city": "Oslo"}),
            client.get(f"{base}/status/418"),
            client.post(f"{base}/echo", json={"a": [1, 2]}),
            client.get(f"{base}/slow", params={"seconds": "0.3"}),
        )
    return JsonResponse({"answers": [[r.status_code, r.json()] for r in answers]})""",
        """async def calls(request):
    return JsonResponse({"answers": []})""",
    ],
    "A",
    prelude="import asyncio\nimport httpx\nfrom django.conf import settings\n"
    "from django.http import JsonResponse\n",
    view="calls",
    request=Request(path="/calls/"),
    expect=Expectation(status=200, body_contains="Readability counts."),
)

MIDDLEWARE_AND_CLASS = choice(
    "t/classy",
    [
        """class Hello(View):
    async def get(self, request, pk):
        return HttpResponse(f"book {pk}")""",
        """class Hello(View):
    async def get(self, request, pk):
        return HttpResponse(f"book {pk}")

    def post(self, request, pk):
        return HttpResponse("posted")""",
    ],
    "A",
    prelude="""from django.http import HttpResponse
from django.utils.decorators import async_only_middleware
from django.views import View

@async_only_middleware
def shout(get_response):
    async def middleware(request):
        response = await get_response(request)
        response.content = response.content.upper()
        return response
    return middleware
""",
    view="Hello",
    route="books/<int:pk>/",
    middleware=("shout",),
    request=Request(path="/books/7/"),
    expect=Expectation(status=200, body="BOOK 7"),
)

POSTS_JSON = fill(
    "t/post",
    """
import json
from django.http import JsonResponse

async def note(request):
    data = json.loads(request.body)
    return JsonResponse({"got": data["text"], "method": request.method, "h": request.headers[⟦1⟧]})
""".lstrip(),
    ["'X-Note'", "'X-Missing'"],
    "A",
    view="note",
    request=Request(method="POST", path="/note/", json={"text": "hi"}, headers={"X-Note": "n"}),
    expect=Expectation(status=200, json={"got": "hi", "method": "POST", "h": "n"}),
)

CONCEPT = choice("t/concept", ["yes", "no"], "A")
"""A conceptual question: nothing to run."""

SNIPPET = choice(
    "t/snippet",
    ["It answers 200", "It fails"],
    "A",
    code="from django.http import HttpResponse\n\n"
    "async def hi(request):\n    return HttpResponse('hi')\n",
    target=RunTarget.SNIPPET,
    view="hi",
    request=Request(path="/hi/"),
    expect=Expectation(status=200, body="hi"),
)

ALL = (
    JSON_VIEW,
    ECHO_TWO_BLANKS,
    SLEEPERS,
    COROUTINE,
    BOOKS,
    CALLS_API,
    MIDDLEWARE_AND_CLASS,
    POSTS_JSON,
    CONCEPT,
    SNIPPET,
)
BY_ID = {exercise.id: exercise for exercise in ALL}

GREEDY = choice(
    "t/greedy",
    ["async def grab():\n    return len(bytearray(4 << 30))", "async def grab():\n    return 1"],
    "B",
    coroutine="grab",
    expect=Expectation(returns=1),
)
"""A asks for 4 GiB: more than a run may have."""

NOSY = choice(
    "t/nosy",
    [
        "async def peek():\n"
        "    names = ('DISCORD_TOKEN', 'TUTOR_SECRET', 'EXAMPLE_MARKER')\n"
        "    return {name: os.environ.get(name) for name in names}",
        "async def peek():\n    return sorted(os.environ)",
    ],
    "A",
    prelude="import os\n",
    coroutine="peek",
    expect=Expectation(
        returns={"DISCORD_TOKEN": None, "TUTOR_SECRET": None, "EXAMPLE_MARKER": None}
    ),
)
"""Example code that reads the environment: secrets exported for the service or bot."""
