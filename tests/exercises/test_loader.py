"""Loading: good files load completely; each broken fixture is rejected naming file and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from exercises import (
    ContentError,
    Difficulty,
    FillInTheBlank,
    Kind,
    MultipleChoice,
    RunTarget,
    check,
    load_catalog,
)

FIXTURES = Path(__file__).parent / "fixtures"
BROKEN = FIXTURES / "broken" / "broken"

# file -> (field named, words of the message): one kind of error per file.
EXPECTED_PROBLEMS = {
    "unknown-key.toml": ("hint", "not a known field"),
    "missing-field.toml": ("prompt", "is missing"),
    "wrong-type.toml": ("title", "must be text, not an integer"),
    "bad-difficulty.toml": ("difficulty", "'expert'"),
    "blank-without-key.toml": ("blanks.2", "is missing"),
    "key-without-blank.toml": ("blanks.3", "has no ⟦3⟧ in the code"),
    "key-not-an-option.toml": ("blanks.2.answer", "not among the options"),
    "feedback-for-missing-option.toml": ("blanks.1.feedback.E", "does not exist"),
    "too-many-blanks.toml": ("code", "at most 3"),
    "invalid-python.toml": (
        "code",
        "not valid Python with the correct options filled in: line 5 of",
    ),
    "two-correct.toml": ("options", "exactly one correct option, not 2"),
    "run-without-entry-point.toml": ("run", "entry point"),
    "bare-status.toml": ("run.expect", "must say what comes back"),
    "duplicate-id-b.toml": ("slug", "duplicate exercise id 'broken/same-slug'"),
    # Checks across prose, code and options (exercises/content_checks.py):
    "first-hint-names-answer.toml": ("hints[0]", "contains 'JsonResponse', the text of a correct"),
    "first-hint-gives-away.toml": ("hints[0]", "has 'shield', found in a correct option and in no"),
    "blank-with-filler-options.toml": ("blanks.1", "has 2 wrong options that do not even compile"),
    "same-options-b.toml": ("options", "the same as those of broken/same-options-a"),
    "prelude-only-name.toml": ("options[1]", "uses asyncio, which only the hidden run.prelude"),
    "csrf-without-middleware.toml": ("prompt", "names CSRF ('CSRF'), a middleware's behaviour"),
}
NOT_BROKEN_ALONE = {"pack.toml", "duplicate-id-a.toml", "same-options-a.toml"}


@pytest.mark.parametrize(("file_name", "expected"), EXPECTED_PROBLEMS.items())
def test_each_broken_file_is_rejected_once_naming_its_field(
    file_name: str, expected: tuple[str, str]
) -> None:
    problems = [problem for problem in check(FIXTURES / "broken") if problem.file.name == file_name]

    assert len(problems) == 1, problems
    field, words = expected
    assert problems[0].field == field
    assert words in problems[0].message
    assert str(problems[0]).startswith(f"{BROKEN / file_name}: {field}: ")


def test_every_broken_file_is_covered() -> None:
    files = {path.name for path in BROKEN.glob("*.toml")} - NOT_BROKEN_ALONE
    assert files == set(EXPECTED_PROBLEMS)


def test_loading_a_broken_folder_raises_with_every_problem() -> None:
    with pytest.raises(ContentError) as raised:
        load_catalog(FIXTURES / "broken")

    assert len(raised.value.problems) == len(EXPECTED_PROBLEMS)
    assert f"{len(EXPECTED_PROBLEMS)} problems in the exercises" in str(raised.value)


def test_the_readme_examples_load_with_derived_letters_and_final_answers() -> None:
    catalog = load_catalog(FIXTURES / "good")

    fill = catalog.get("demo/return-json")
    assert isinstance(fill, FillInTheBlank)
    assert fill.kind is Kind.FILL_IN_THE_BLANK
    assert fill.difficulty is Difficulty.EASY
    assert fill.attempts == 3
    assert fill.letters == "ABCD"
    assert fill.answer_key == "A"
    assert fill.final_answer == "Final answer: ⟦1⟧ = A (JsonResponse)"
    assert "return JsonResponse(data)" in fill.solved_code
    assert fill.blanks[0].expect["B"].raises == "NameError"
    assert fill.run is not None
    assert fill.run.view == "greet"

    choice = catalog.get("demo/define-async-view")
    assert isinstance(choice, MultipleChoice)
    assert choice.answer_key == "B"
    assert choice.option("B").is_code
    assert choice.final_answer.startswith("Final answer: B (async def hello(request):")
    assert set(choice.feedback) == {"A", "C"}
    assert choice.run is not None
    assert choice.run.target is RunTarget.OPTIONS


def test_a_number_where_text_belongs_is_not_converted(tmp_path: Path) -> None:
    pack = tmp_path / "demo"
    pack.mkdir()
    (pack / "pack.toml").write_text('id = "demo"\ntitle = 1\ntopic = "t"\ndescription = "d"\n')

    problems = check(tmp_path)

    assert [(p.field, p.message) for p in problems] == [("title", "must be text, not an integer")]


def test_a_pack_id_must_match_its_folder(tmp_path: Path) -> None:
    pack = tmp_path / "demo"
    pack.mkdir()
    (pack / "pack.toml").write_text('id = "other"\ntitle = "T"\ntopic = "t"\ndescription = "d"\n')

    assert [p.field for p in check(tmp_path)] == ["id"]


def test_a_file_that_is_not_toml_is_named(tmp_path: Path) -> None:
    pack = tmp_path / "demo"
    pack.mkdir()
    (pack / "pack.toml").write_text('id = "demo"\ntitle = "T"\ntopic = "t"\ndescription = "d"\n')
    (pack / "oops.toml").write_text("slug = \n")

    (problem,) = check(tmp_path)

    assert problem.file == pack / "oops.toml"
    assert "is not valid TOML" in problem.message


def test_the_content_hash_follows_the_content_not_the_formatting(tmp_path: Path) -> None:
    original = load_catalog(FIXTURES / "good").get("demo/return-json")
    pack = tmp_path / "demo"
    pack.mkdir()
    for file in (FIXTURES / "good" / "demo").glob("*.toml"):
        (pack / file.name).write_text(
            "# reformatted\n\n" + file.read_text().replace("\n[", "\n# a comment\n\n[")
        )
    reformatted = load_catalog(tmp_path).get("demo/return-json")
    (pack / "return-json.toml").write_text(
        (pack / "return-json.toml").read_text().replace("Answer with JSON", "Answer in JSON")
    )
    edited = load_catalog(tmp_path).get("demo/return-json")

    assert reformatted.content_hash == original.content_hash
    assert edited.content_hash != original.content_hash


def test_a_run_may_declare_only_allow_listed_django_middleware(tmp_path: Path) -> None:
    pack = tmp_path / "demo"
    pack.mkdir()
    (pack / "pack.toml").write_text('id = "demo"\ntitle = "T"\ntopic = "t"\ndescription = "d"\n')
    text = (FIXTURES / "good" / "demo" / "return-json.toml").read_text()
    declared = '[run]\nmiddleware = ["django.middleware.csrf.CsrfViewMiddleware", "os.system"]\n'
    (pack / "return-json.toml").write_text(text.replace("[run]\n", declared))

    (problem,) = check(tmp_path)

    assert problem.field == "run.middleware[1]"
    assert "'os.system' is neither a name the example defines" in problem.message
