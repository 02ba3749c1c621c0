"""What the Compose schema cannot see in compose.yaml: every named volume and depends_on
service exists, every required env_file is there, ports open only on this machine's loopback
unless docs/deploy.md says why, and the services built from our Dockerfile keep its
healthcheck. Each rule is shown to catch its mistake on a changed copy of the file."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from tests import compose
from tests.dockerfile import ROOT, instructions

DEPLOY_DOC = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
(IMAGE_CHECK,) = [i.exec_form() for i in instructions() if i.keyword == "HEALTHCHECK"]


def problems(document: dict[str, Any], deploy_doc: str = DEPLOY_DOC) -> list[str]:
    return compose.problems(document, image_healthcheck=IMAGE_CHECK, deploy_doc=deploy_doc)


def test_the_compose_file_refers_only_to_what_exists_and_opens_nothing_beyond_loopback() -> None:
    assert problems(compose.parse()) == []


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = document
        for key in parents:
            target = target[key]
        target[last] = value

    return change


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            _set("services.bot.volumes", ["tutor-datas:/data"]),
            "bot: volume 'tutor-datas' is not declared under `volumes:`",
        ),
        (
            _set("services.bot.depends_on", {"tutr": {"condition": "service_started"}}),
            "bot: depends_on 'tutr', which is not a service",
        ),
        (
            lambda document: document["services"]["postgres"].pop("healthcheck"),
            "bot: waits for 'postgres' to be healthy; it has no check",
        ),
        (
            _set("services.tutor.env_file", [".env.missing"]),
            "tutor: env_file '.env.missing' is required and missing",
        ),
        (
            _set("services.bot.ports", ["8080:8080"]),
            "bot: port '8080:8080' is open beyond this machine; bind it to 127.0.0.1 or say "
            'why in docs/deploy.md, "Ports open beyond this machine"',
        ),
        (
            _set("services.tutor.healthcheck", {"test": ["CMD", "true"]}),
            "tutor: its healthcheck is not the image's (set HEALTH_URL instead)",
        ),
    ],
    ids=["volume", "depends-on", "no-check", "env-file", "port", "healthcheck"],
)
def test_each_rule_catches_its_mistake(
    change: Callable[[dict[str, Any]], None], expected: str
) -> None:
    document = copy.deepcopy(compose.parse())
    change(document)

    assert problems(document) == [expected]


def test_a_port_open_beyond_loopback_passes_once_the_deploy_page_says_why() -> None:
    document = copy.deepcopy(compose.parse())
    document["services"]["bot"]["ports"] = ["9100:8080"]
    heading = f"## {compose.PORTS_BEYOND_THIS_MACHINE}\n"
    why = f"{heading}\n- `9100`: the bot's metrics, for a Prometheus on another host.\n"

    assert heading in DEPLOY_DOC
    assert problems(document, DEPLOY_DOC.replace(heading, why)) == []
    assert len(problems(document)) == 1


def test_an_optional_env_file_may_be_missing_and_the_image_healthcheck_may_be_repeated() -> None:
    document = copy.deepcopy(compose.parse())
    document["services"]["bot"]["env_file"] = [{"path": ".env.nowhere", "required": False}]
    document["services"]["bot"]["healthcheck"] = {"test": IMAGE_CHECK, "interval": "10s"}

    assert problems(document) == []
