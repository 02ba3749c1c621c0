"""Build the image's Python environment as the Dockerfile does, in a fresh venv, and check it.

Run by .ci/run (not by every `make test`): these machines have no Docker engine. It

1. lays out the build context the Dockerfile's COPY lines take (as .dockerignore filters it),
2. runs the Dockerfile's own `pip install` RUN lines, verbatim, in a fresh venv (the other
   RUN lines change the operating system: users, folders; they are listed, not run),
3. runs each console entry point of pyproject.toml with --help,
4. starts the tutor service and the bot from that venv, the bot against the loopback Discord
   (from the dev venv: the image does not ship it), with the image's ENV, and
5. runs the Dockerfile's HEALTHCHECK command against each, with the HEALTH_URL the image or
   compose.yaml gives it, until it passes; then SIGTERM each and expect exit status 0.

`--docker` (make docker-test) does the same with the real image on a Docker engine.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import compose  # noqa: E402
from tests.dockerfile import (  # noqa: E402
    context_files,
    copies,
    env,
    instructions,
)

HEALTHY_WITHIN = 60.0


def step(message: str) -> None:
    print(f"docker-env: {message}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def lay_out_context(app: Path) -> None:
    for sources, destination in copies(instructions()):
        for source in sources:
            for file in context_files(source):
                inside = file.relative_to(ROOT / source) if (ROOT / source).is_dir() else None
                if inside is not None:
                    target = app / destination / inside
                elif destination.endswith("/"):
                    target = app / destination / file.name
                else:
                    target = app / destination
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(file, target)


def build(app: Path, venv: Path) -> dict[str, str]:
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    environment = {
        **os.environ,
        "VIRTUAL_ENV": str(venv),
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
    }
    for instruction in instructions():
        if instruction.keyword == "ENV":
            environment |= env([instruction])
        elif instruction.keyword == "RUN" and instruction.arguments.startswith("pip install"):
            step(f"RUN {instruction.arguments}")
            command = ["/bin/sh", "-c", instruction.arguments]
            subprocess.run(command, cwd=app, env=environment, check=True)
        elif instruction.keyword == "RUN":
            step(f"not run here (changes the OS, not the Python environment): {instruction}")
    return environment


def check_help(venv: Path) -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for script in project["scripts"]:
        done = subprocess.run([venv / "bin" / script, "--help"], capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"docker-env: {script} --help failed:\n{done.stderr}")
        step(f"{script} --help: ok")


def healthcheck(environment: dict[str, str], url: str, service: subprocess.Popen[bytes]) -> None:
    (check,) = [i.exec_form() for i in instructions() if i.keyword == "HEALTHCHECK"]
    deadline = time.monotonic() + HEALTHY_WITHIN
    while True:
        done = subprocess.run(check, env=environment | {"HEALTH_URL": url}, capture_output=True)
        if done.returncode == 0:
            step(f"HEALTHCHECK {url}: healthy")
            return
        if service.poll() is not None or time.monotonic() > deadline:
            sys.exit(f"docker-env: HEALTHCHECK {url} never passed:\n{done.stderr.decode()}")
        time.sleep(0.5)  # a service starting up; the image's own check waits 30 s


def stop(name: str, process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        status = process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        sys.exit(f"docker-env: {name} did not stop within 20 s of SIGTERM")
    if status != 0:
        sys.exit(f"docker-env: {name} exited with status {status} on SIGTERM")
    step(f"{name} stopped on SIGTERM with status 0")


def run_services(work: Path, environment: dict[str, str]) -> None:
    tutor_port, health_port = free_port(), free_port()
    tutor_url = compose.health_urls(compose.parse())["tutor"].replace(":8765/", f":{tutor_port}/")
    bot_url = environment["HEALTH_URL"].replace(
        f":{environment['HEALTH_PORT']}/", f":{health_port}/"
    )
    loopback = subprocess.Popen(
        [ROOT / ".venv" / "bin" / "python", "-m", "bot.sandbox"], stdout=subprocess.PIPE
    )
    assert loopback.stdout is not None
    discord = json.loads(loopback.stdout.readline())
    services: list[tuple[str, subprocess.Popen[bytes]]] = []
    try:
        tutor = subprocess.Popen(
            ["discord-tutor-service"],
            cwd=work,
            env=environment | {"TUTOR_HOST": "127.0.0.1", "TUTOR_PORT": str(tutor_port)},
        )
        services.append(("discord-tutor-service", tutor))
        bot_environment = environment | {
            "DISCORD_TOKEN": discord["token"],
            "DISCORD_API_BASE": discord["api_base"],
            "DISCORD_GATEWAY_URL": discord["gateway_url"],
            "DATABASE_PATH": str(work / "data" / "tutor.sqlite3"),
            "HEALTH_HOST": "127.0.0.1",
            "HEALTH_PORT": str(health_port),
            "TUTOR_URL": f"http://127.0.0.1:{tutor_port}",
        }
        (work / "data").mkdir()
        healthcheck(environment, tutor_url, tutor)
        bot = subprocess.Popen(["discord-tutor-bot"], cwd=work, env=bot_environment)
        services.append(("discord-tutor-bot", bot))
        healthcheck(environment, bot_url, bot)
        for name, process in reversed(services):
            stop(name, process)
    finally:
        for _, process in services:
            if process.poll() is None:
                process.kill()
        loopback.send_signal(signal.SIGTERM)
        loopback.wait(timeout=20)


def docker(*arguments: str) -> str:
    done = subprocess.run(["docker", *arguments], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"docker-env: docker {' '.join(arguments[:2])} failed:\n{done.stderr}")
    return done.stdout.strip()


def wait_healthy(container: str) -> None:
    deadline = time.monotonic() + HEALTHY_WITHIN
    while (status := docker("inspect", "-f", "{{.State.Health.Status}}", container)) != "healthy":
        if time.monotonic() > deadline or status == "unhealthy":
            logs = subprocess.run(["docker", "logs", container], capture_output=True, text=True)
            sys.exit(f"docker-env: {container} is {status}:\n{logs.stderr[-3000:]}")
        time.sleep(1)  # Docker runs the HEALTHCHECK on its own schedule
    step(f"container {container}: healthy")


def run_image(image: str) -> None:
    """make docker-test: the built image's two services, each until Docker calls it healthy."""
    tutor_port, health_port = free_port(), free_port()
    tutor_url = compose.health_urls(compose.parse())["tutor"].replace(":8765/", f":{tutor_port}/")
    loopback = subprocess.Popen(
        [ROOT / ".venv" / "bin" / "python", "-m", "bot.sandbox"], stdout=subprocess.PIPE
    )
    assert loopback.stdout is not None
    discord = json.loads(loopback.stdout.readline())
    often = ["--network", "host", "--health-interval", "2s", "--health-start-period", "0s"]
    containers = []
    try:
        tutor = docker(
            *("run", "-d", *often, "-e", f"TUTOR_PORT={tutor_port}", "-e"),
            *(f"HEALTH_URL={tutor_url}", image, "discord-tutor-service"),
        )
        containers.append(tutor)
        wait_healthy(tutor)
        settings = {
            "DISCORD_TOKEN": discord["token"],
            "DISCORD_API_BASE": discord["api_base"],
            "DISCORD_GATEWAY_URL": discord["gateway_url"],
            "HEALTH_PORT": str(health_port),
            "HEALTH_URL": f"http://127.0.0.1:{health_port}/health",
            "TUTOR_URL": f"http://127.0.0.1:{tutor_port}",
        }
        pairs = [part for key, value in settings.items() for part in ("-e", f"{key}={value}")]
        bot = docker("run", "-d", *often, *pairs, image)
        containers.append(bot)
        wait_healthy(bot)
        for container in reversed(containers):
            docker("stop", "-t", "20", container)
            status = docker("inspect", "-f", "{{.State.ExitCode}}", container)
            if status != "0":
                sys.exit(f"docker-env: {container} exited with {status} on SIGTERM")
        step("both containers stopped on SIGTERM with status 0")
    finally:
        for container in containers:
            subprocess.run(["docker", "rm", "-f", container], capture_output=True)
        loopback.send_signal(signal.SIGTERM)
        loopback.wait(timeout=20)


def main() -> None:
    if sys.argv[1:2] == ["--docker"]:
        run_image(sys.argv[2])
        return
    with tempfile.TemporaryDirectory(prefix="docker-env-") as folder:
        work = Path(folder)
        app, venv = work / "app", work / "venv"
        step("laying out the build context")
        lay_out_context(app)
        environment = build(app, venv)
        check_help(venv)
        run_services(work, environment)
    step("the image's environment builds, its commands run and its healthchecks pass")


if __name__ == "__main__":
    main()
