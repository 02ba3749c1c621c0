"""`python -m tutor verify`: green on the shipped packs, red on broken or ambiguous content."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from exercises.model import Expectation, Request
from tests.tutor.examples import COROUTINE, SLEEPERS, fill
from tutor.verify import baseline_job, verify

pytestmark = pytest.mark.asyncio(loop_scope="module")
SEED_TEMPLATES = Path(__file__).parent / "fixtures" / "seed-templates"


def seed_template(name: str):
    """The fixture file as an exercise, built by hand: the loader would refuse it."""
    data = tomllib.loads((SEED_TEMPLATES / f"{name}.toml").read_text())
    run = data["run"]
    return fill(
        f"seed-templates/{data['slug']}",
        data["code"],
        data["options"],
        "".join(data["blanks"][str(n)]["answer"] for n in range(1, len(data["blanks"]) + 1)),
        view=run["view"],
        request=Request(**run["request"]),
        expect=Expectation(**run["expect"]),
    )


async def test_running_the_seed_templates_names_the_broken_line(tutor):
    problems = await verify([seed_template("echo-query-param")], tutor.runner)
    correct = [str(problem) for problem in problems if problem.label == "correct"]
    assert correct == [
        "seed-templates/echo-query-param [correct]: does not compile: "
        "SyntaxError at line 5: invalid syntax"
    ]
    problems = await verify([seed_template("gather-two-tasks")], tutor.runner)
    correct = [str(problem) for problem in problems if problem.label == "correct"]
    assert correct == [
        "seed-templates/gather-two-tasks [correct]: does not compile: "
        "SyntaxError at line 14: invalid syntax"
    ]


GREETING = "from django.http import JsonResponse\n\nasync def hi(request):\n    return ⟦1⟧\n"


async def test_a_wrong_option_that_behaves_like_the_right_one_is_ambiguous(tutor):
    exercise = fill(
        "t/ambiguous",
        GREETING,
        ['JsonResponse({"hi": 1})', "JsonResponse({'hi': 1})", "JsonResponse([1])"],
        "A",
        view="hi",
        request=Request(path="/hi/"),
        expect=Expectation(status=200, json={"hi": 1}),
    )
    problems = await verify([exercise], tutor.runner)
    assert [str(problem) for problem in problems] == [
        "t/ambiguous [blank 1 = B JsonResponse({'hi': 1})]: behaves like the correct answer "
        '(200 application/json {"hi": 1} in 0.00 s)'.replace("0.00", _elapsed(problems[0]))
    ]


def _elapsed(problem) -> str:
    return problem.message.rsplit(" in ", 1)[1].split(" ")[0]


async def test_declared_outcomes_of_wrong_options_are_checked(tutor):
    exercise = fill(
        "t/declared",
        GREETING,
        ['JsonResponse({"hi": 1})', "HttpResponse('hi')", "JsonResponse([1])"],
        "A",
        view="hi",
        request=Request(path="/hi/"),
        expect=Expectation(status=200, json={"hi": 1}),
        blank_expect={
            1: {
                "B": Expectation(raises="TypeError"),  # it is a NameError
                "C": Expectation(raises="TypeError", message_contains="non-dict"),  # right
            }
        },
    )
    problems = await verify([exercise], tutor.runner)
    assert [(problem.label, problem.message) for problem in problems] == [
        (
            "blank 1 = B HttpResponse('hi')",
            "expected TypeError, got NameError at line 4: name 'HttpResponse' is not defined",
        )
    ]


async def test_a_bare_status_is_not_an_expectation(tutor):
    exercise = fill(
        "t/bare",
        GREETING,
        ['JsonResponse({"hi": 1})', "JsonResponse([1])"],
        "A",
        view="hi",
        request=Request(path="/hi/"),
        expect=Expectation(status=200),
    )
    problems = await verify([exercise], tutor.runner)
    assert [problem.message for problem in problems] == [
        "the expectation must name the outcome (body, json, returns or raises)"
    ]


SLEEPS = """import asyncio
from django.http import JsonResponse

async def nap():
    await asyncio.sleep(0.5)

async def both(request):
    ⟦1⟧
    return JsonResponse({"done": True})
"""


async def test_gather_and_sequential_are_told_apart_by_their_ratio(tutor):
    exercise = fill(
        "t/timing",
        SLEEPS,
        [
            "await asyncio.gather(nap(), nap())",
            "await nap(); await nap()",
            "await asyncio.gather(nap(), asyncio.sleep(0.55))",
        ],
        "A",
        view="both",
        request=Request(path="/both/"),
        # no upper bound, which a loaded machine could break: the ratio tells them apart
        expect=Expectation(status=200, json={"done": True}, min_seconds=0.5),
        blank_expect={1: {"B": Expectation(status=200, min_seconds=1.0)}},
    )
    problems = await verify([exercise], tutor.runner)
    assert [problem.label for problem in problems] == [
        "blank 1 = C await asyncio.gather(nap(), asyncio.sleep(0.55))"  # 0.55 s is not 0.5 s apart
    ]
    assert "behaves like the correct answer" in problems[0].message


async def test_time_bounds_need_a_margin(tutor):
    exercise = fill(
        "t/tight",
        SLEEPS,
        ["await asyncio.gather(nap(), nap())", "await nap(); await nap()"],
        "A",
        view="both",
        request=Request(path="/both/"),
        expect=Expectation(status=200, json={"done": True}, min_seconds=0.5, max_seconds=0.7),
    )
    problems = await verify([exercise], tutor.runner)
    assert "max_seconds 0.7 is under 1.5 times min_seconds 0.5" in [
        problem.message for problem in problems
    ]


async def test_a_really_slow_example_is_still_too_slow_beside_the_baseline(tutor):
    """The retry's baseline eases load, never a lesson: 1 s of sleeping is over 0.6 s."""
    exercise = fill(
        "t/too-slow",
        SLEEPS,
        ["await nap(); await nap()", "await asyncio.gather(nap(), nap())"],
        "A",
        view="both",
        request=Request(path="/both/"),
        expect=Expectation(status=200, json={"done": True}, max_seconds=0.6),
    )
    problems = await verify([exercise], tutor.runner)
    assert [problem.label for problem in problems] == ["correct"]
    assert "expected at most 0.6 s, took 1." in problems[0].message
    assert "of it the machine's own, by a run awaiting nothing" in problems[0].message


@pytest.mark.parametrize("example", [SLEEPERS, COROUTINE], ids=["view", "coroutine"])
async def test_the_baseline_run_is_our_own_and_holds(tutor, example):
    report = await tutor.runner.run(baseline_job(example))
    assert report.ok
    if example.run.view is not None:  # as many requests at once as the exercise makes
        assert [response.status for response in report.responses] == [200] * example.run.concurrent
    else:
        assert report.returns == (None,)
