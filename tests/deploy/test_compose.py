"""compose.yaml as Docker Compose reads it: YAML first, then its variables interpolated in the
parsed values, then the Compose Specification's JSON schema (COMPOSE_SPEC names the file:
.ci/run sets it; the repository does not ship it).

Interpolating the raw text before parsing would hide the fault this file once had: values
holding ": " unquoted, which no YAML parser accepts (the fixture keeps those lines)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests import compose

FIXTURES = Path(__file__).parent / "fixtures"
SPEC_VARIABLE = "COMPOSE_SPEC"
SAMPLES = {
    "DISCORD_TOKEN": "sample-token",
    "TUTOR_SECRET": "sample-secret",
    "POSTGRES_PASSWORD": "sample-password",
}
"""A sample value for each variable that has no default; the others keep their defaults."""


@pytest.fixture(scope="module")
def compose_schema() -> dict[str, object]:
    """The schema, draft-07 as it declares (its `$schema` lacks the `#` jsonschema looks for)."""
    path = os.environ.get(SPEC_VARIABLE)
    if not path:
        pytest.skip(
            f"{SPEC_VARIABLE} is not set: no Compose Specification schema to validate against "
            "(the compose-spec.json of github.com/compose-spec/compose-spec; .ci/run sets it)"
        )
    schema: dict[str, object] = json.loads(Path(path).read_text(encoding="utf-8"))
    return schema


def test_the_compose_file_is_yaml_and_uses_only_variables_we_know() -> None:
    document = compose.parse()

    assert set(document["services"]) == {"tutor", "bot", "postgres"}
    assert compose.variables(document) == {*SAMPLES, "LOG_FORMAT"}


def test_the_compose_file_is_valid_against_the_compose_specification(
    compose_schema: dict[str, object],
) -> None:
    document = compose.load(SAMPLES)

    jsonschema.Draft7Validator(compose_schema).validate(document)
    bot = document["services"]["bot"]["environment"]
    assert bot["TUTOR_SECRET"] == "sample-secret"
    assert bot["LOG_FORMAT"] == "text"  # ${LOG_FORMAT:-text}


def test_the_schema_refuses_what_compose_refuses(compose_schema: dict[str, object]) -> None:
    document = compose.load(SAMPLES)
    document["services"]["bot"]["stop_grace_period"] = {"seconds": 15}

    assert not jsonschema.Draft7Validator(compose_schema).is_valid(document)


def test_the_file_with_unquoted_colons_is_refused_before_any_interpolation() -> None:
    broken = FIXTURES / "compose-with-unquoted-colons.yaml"

    with pytest.raises(yaml.YAMLError, match="mapping values are not allowed here") as raised:
        compose.parse(broken)
    assert "line 18" in str(raised.value)  # TUTOR_SECRET's line
    # Interpolated as text first, the fault would hide: the message is gone before YAML reads it.
    text = compose.interpolate_text(broken.read_text(encoding="utf-8"), SAMPLES)
    assert yaml.safe_load(text)["services"]["tutor"]["environment"]["TUTOR_SECRET"] == (
        "sample-secret"
    )


def test_without_a_secret_compose_stops_with_the_files_own_message() -> None:
    with pytest.raises(compose.InterpolationError) as raised:
        compose.load({"DISCORD_TOKEN": "sample-token"})

    assert str(raised.value) == (
        "required variable TUTOR_SECRET is missing a value: set TUTOR_SECRET in .env: "
        "the tutor service listens beyond loopback"
    )


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [
        ("${A}", {"A": "a"}, "a"),
        ("$A and ${A}", {"A": "a"}, "a and a"),
        ("${A}", {}, ""),
        ("${A:-fallback}", {"A": ""}, "fallback"),
        ("${A-fallback}", {"A": ""}, ""),
        ("${A-fallback}", {}, "fallback"),
        ("${A:+set}", {"A": "x"}, "set"),
        ("${A:+set}", {"A": ""}, ""),
        ("$${A}", {"A": "a"}, "${A}"),
        ("${A?needed: really}", {"A": ""}, ""),
    ],
)
def test_interpolation_follows_the_compose_specification(
    text: str, env: dict[str, str], expected: str
) -> None:
    assert compose.interpolate_text(text, env) == expected


@pytest.mark.parametrize("text", ["${A:?needed}", "${A?needed}", "${A:-${B}}", "${A"])
def test_interpolation_refuses_a_missing_required_value_and_a_bad_form(text: str) -> None:
    with pytest.raises(compose.InterpolationError):
        compose.interpolate_text(text, {"A": ""} if text == "${A:?needed}" else {})
