"""The checks across prose, code and options: what each one matches, and what it lets pass."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from exercises import check, load_catalog
from exercises.content_checks import MIDDLEWARE_BEHAVIOUR

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "good" / "demo"
BROKEN = FIXTURES / "broken" / "broken"


def behaviours(text: str) -> list[str]:
    return [name for name, pattern in MIDDLEWARE_BEHAVIOUR if pattern.search(text)]


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("The view must accept a POST without a CSRF token.", ["CSRF"]),
        ("csrf_exempt lifts the check", ["CSRF"]),
        ("It stores the cart in the session.", ["sessions"]),
        ("Sessions live in a signed cookie.", ["sessions"]),
        ("request.user is the signed-in visitor", ["authentication"]),
        ("login_required sends anonymous visitors away", ["authentication"]),
        ("Only authenticated users may post.", ["authentication"]),
        ("A user who has logged in sees the page.", ["authentication"]),
        ("The client opens an httpx.AsyncClient and awaits the quote.", []),
        ("aiohttp.ClientSession is another client.", []),
        ("Middleware that times each request.", []),
    ],
)
def test_the_keyword_rule_matches_what_the_readme_says(text: str, named: list[str]) -> None:
    assert behaviours(text) == named


def pack_with(tmp_path: Path, pack_id: str, *files: Path) -> Path:
    folder = tmp_path / pack_id
    folder.mkdir()
    (folder / "pack.toml").write_text(
        f'id = "{pack_id}"\ntitle = "T"\ntopic = "t"\ndescription = "d"\n'
    )
    for file in files:
        shutil.copy(file, folder / file.name)
    return folder


def test_the_same_options_are_found_across_packs_and_named_in_the_later_file(
    tmp_path: Path,
) -> None:
    pack_with(tmp_path, "one", BROKEN / "same-options-a.toml")
    later = pack_with(tmp_path, "two", BROKEN / "same-options-b.toml")

    (problem,) = check(tmp_path)

    assert problem.file == later / "same-options-b.toml"
    assert problem.field == "options"
    assert "one/same-options-a" in problem.message


def test_a_middleware_declared_by_the_run_satisfies_the_keyword_rule(tmp_path: Path) -> None:
    folder = pack_with(tmp_path, "one")
    text = (BROKEN / "csrf-without-middleware.toml").read_text()
    declared = text.replace(
        "[run]\n", '[run]\nmiddleware = ["django.middleware.csrf.CsrfViewMiddleware"]\n'
    )
    (folder / "csrf.toml").write_text(declared)

    assert check(tmp_path) == []


def test_options_shown_without_code_may_share_the_prelude() -> None:
    """The README's multiple-choice example: code options, no shown code, imports in the prelude."""
    choice = load_catalog(FIXTURES / "good").get("demo/define-async-view")

    assert choice.run is not None
    assert "HttpResponse" in choice.run.prelude
    assert check(FIXTURES / "good") == []


def test_a_later_hint_may_name_the_answer_and_a_longer_name_is_not_the_answer(
    tmp_path: Path,
) -> None:
    folder = pack_with(tmp_path, "one")
    text = (BROKEN / "first-hint-names-answer.toml").read_text()
    later = text.replace(
        'hints = ["Use JsonResponse.", "It is imported at the top already."]',
        'hints = ["Look at what the top line imports (JsonResponseFactory does not exist).", '
        '"Use JsonResponse."]',
    )
    (folder / "hint.toml").write_text(later)

    assert check(tmp_path) == []


def test_shown_code_that_uses_a_name_only_the_prelude_defines_is_named(tmp_path: Path) -> None:
    folder = pack_with(tmp_path, "one")
    text = (BROKEN / "prelude-only-name.toml").read_text()
    uses_it_too = text.replace('return HttpResponse("rested")', "return HttpResponse(WORD)")
    uses_it_too = uses_it_too.replace(
        'prelude = "import asyncio"', "prelude = \"import asyncio\\nWORD = 'rested'\""
    )
    (folder / "prelude.toml").write_text(uses_it_too)

    problems = [(problem.field, problem.message[:12]) for problem in check(tmp_path)]

    assert problems == [("code", "uses WORD, w"), ("options[1]", "uses asyncio")]


def test_a_word_shared_with_the_prompt_or_with_a_wrong_option_gives_nothing_away(
    tmp_path: Path,
) -> None:
    folder = pack_with(tmp_path, "one")
    text = (BROKEN / "first-hint-gives-away.toml").read_text()
    in_prompt = text.replace("although the caller", "behind a shield, although the caller")
    (folder / "prompt.toml").write_text(in_prompt.replace("first-hint-gives-away", "in-prompt"))
    in_a_wrong_option = text.replace('"asyncio.gather"]', '"shield"]').replace(
        "first-hint-gives-away", "in-a-wrong-option"
    )
    (folder / "wrong.toml").write_text(in_a_wrong_option)

    assert check(tmp_path) == []


def test_one_wrong_option_per_blank_may_fail_to_compile(tmp_path: Path) -> None:
    folder = pack_with(tmp_path, "one")
    text = (BROKEN / "blank-with-filler-options.toml").read_text()
    (folder / "one.toml").write_text(text.replace('"async", "Client"]', '"Transport", "Client"]'))

    assert check(tmp_path) == []


@pytest.mark.parametrize(
    ("text", "names_one"),
    [
        ("Option B is the only coroutine.", True),
        ("The answer (C) awaits nothing.", True),
        ("choices A and D both block.", True),
        ("Plan A is to await the response.", False),  # not an option
        ("An optional B-tree index.", False),
        ("The option that awaits nothing is right.", False),
    ],
)
def test_prose_naming_an_option_by_its_letter_is_refused(
    tmp_path: Path, text: str, names_one: bool
) -> None:
    """Each post shows the options in its own order: the file's letter is not the one seen."""
    folder = pack_with(tmp_path, "one")
    original = (GOOD / "define-async-view.toml").read_text()
    mistakes = 'mistakes = ["Awaiting an HttpResponse, which is not awaitable."]'
    assert mistakes in original
    (folder / "view.toml").write_text(original.replace(mistakes, f"mistakes = [{text!r}]"))

    problems = check(tmp_path)

    if names_one:
        (problem,) = problems
        assert problem.field == "mistakes[0]"
        assert "names an option by its letter" in problem.message
    else:
        assert problems == []
