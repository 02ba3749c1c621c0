"""The Dockerfile without a Docker engine: what it copies exists, and it runs what
docs/deploy.md says. (`make lint` runs hadolint on it; .ci/docker_env.py runs its install
steps and its HEALTHCHECK; `make docker-test` builds it where an engine exists.)"""

from __future__ import annotations

import subprocess
import tomllib

from tests import compose
from tests.dockerfile import (
    ROOT,
    context_files,
    copies,
    env,
    in_context,
    instructions,
)

DOCKERFILE = instructions()
DEPLOY_DOC = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
SCRIPTS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]


def test_every_path_the_dockerfile_copies_exists_and_reaches_the_build_context() -> None:
    missing = [
        source
        for sources, _ in copies(DOCKERFILE)
        for source in sources
        if not (ROOT / source).exists() or not context_files(source)
    ]
    assert missing == []


def test_the_image_holds_no_tests_no_loopback_discord_and_no_dev_lock() -> None:
    assert not in_context("tests/conftest.py")
    assert not in_context("bot/sandbox/loopback.py")
    assert not in_context("requirements/dev.lock")
    assert not in_context(".env")
    assert in_context("bot/store/migrations/0001_learner_log.sql")
    assert in_context("exercises/packs/asyncio-essentials/pack.toml")


def test_it_installs_the_runtime_lock_with_hashes_then_the_project_without_deps() -> None:
    runs = [i.arguments for i in DOCKERFILE if i.keyword == "RUN" and "pip install" in i.arguments]
    assert runs == [
        "pip install --no-cache-dir --require-hashes -r requirements/runtime.lock",
        "pip install --no-cache-dir --no-deps .",
    ]


def test_it_runs_as_a_non_root_user_with_the_database_on_a_volume() -> None:
    (user,) = [i.arguments for i in DOCKERFILE if i.keyword == "USER"]
    assert not user.startswith(("0", "root"))
    (volume,) = [i.arguments for i in DOCKERFILE if i.keyword == "VOLUME"]
    assert env(DOCKERFILE)["DATABASE_PATH"].startswith(volume + "/")


def test_its_commands_are_entry_points_and_the_deploy_page_documents_them() -> None:
    (command,) = [i.exec_form() for i in DOCKERFILE if i.keyword == "CMD"]
    built = [s for s in compose.parse()["services"].values() if "build" in s]
    services = [service["command"][0] for service in built]
    assert command == ["discord-tutor-bot"]
    assert sorted(services) == ["discord-tutor-bot", "discord-tutor-service"]
    for name in {*command, *services}:
        assert name in SCRIPTS
        assert f"`{name}`" in DEPLOY_DOC
    section = DEPLOY_DOC[DEPLOY_DOC.index("## With Docker") :]
    assert "docker compose up -d --build" in section
    assert "-m bot backup" in DEPLOY_DOC
    assert "discord-tutor-bot backup" in DEPLOY_DOC


def test_each_service_has_a_healthcheck_aimed_at_its_own_health_endpoint() -> None:
    (check,) = [i.exec_form() for i in DOCKERFILE if i.keyword == "HEALTHCHECK"]
    assert "HEALTH_URL" in " ".join(check)
    image = env(DOCKERFILE)
    assert image["HEALTH_URL"] == f"http://127.0.0.1:{image['HEALTH_PORT']}/health"
    assert compose.health_urls(compose.parse()) == {"tutor": "http://127.0.0.1:8765/api/health"}


def test_make_runtime_installs_what_the_image_installs() -> None:
    """docs/deploy.md's way without Docker: the same two pip lines, the runtime lock only."""
    planned = subprocess.run(
        ["make", "-n", "runtime", "RUNTIME_VENV=/opt/tutor"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    made = [line.split() for line in planned.splitlines() if "-m pip install" in line]
    image = [i.arguments.split() for i in DOCKERFILE if i.keyword == "RUN" and "pip" in i.arguments]

    assert len(made) == len(image) == 2
    for make_line, image_line in zip(made, image, strict=True):
        assert make_line[0] == "/opt/tutor/bin/python"
        assert set(image_line) - {"pip", "--no-cache-dir"} <= set(make_line)
    assert "dev.lock" not in planned
