"""`python -m tutor [--host H] [--port P]` serves the API (127.0.0.1:8765 by default);
`python -m tutor verify [PATH]` runs every exercise's example and prints one line per problem.

Wiring only: settings from `.env` and the environment (the shared registry in `config`),
exercises from EXERCISES_PATH, a runner, the app. A bad setting or a port in use is one line
on stderr and exit status 2; exit status 1 means problems (verify) or packs that do not load.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import logging
import signal
import socket
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from config import SettingsError, read_environment
from exercises import AnyExercise, ContentError, load_catalog
from tutor.config import LOOPBACK, ConfigError, TutorConfig
from tutor.logs import configure as configure_logs
from tutor.pool import Runner
from tutor.service import Tutor


def _runner(config: TutorConfig, example_api_url: str) -> Runner:
    return Runner(
        example_api_url=example_api_url,
        timeout=config.run_timeout,
        max_concurrent=config.max_concurrent_runs,
        body_limit=config.report_body_chars,
    )


def _exercises(path: Path | None) -> Mapping[str, AnyExercise] | None:
    try:
        return load_catalog(path).exercises
    except ContentError as error:
        for problem in error.problems:
            print(problem)
        return None


async def serve(config: TutorConfig) -> int:
    from tutor.asgi import TutorApp
    from tutor.server import serve as serve_app
    from tutor.settings import configure

    exercises = _exercises(config.packs)
    if exercises is None:
        return 1
    configure(config)
    sock = _bind(config)
    port = sock.getsockname()[1]
    runner = _runner(config, config.example_api_url(port))
    logging.getLogger("tutor").info("serving on http://%s:%d/", config.host, port)
    await serve_app(TutorApp(Tutor(config, exercises, runner)), sock)
    return 0


async def verify_command(config: TutorConfig, path: Path | None) -> int:
    from tutor.asgi import TutorApp
    from tutor.server import bind, serving
    from tutor.settings import configure
    from tutor.verify import verify

    exercises = _exercises(path)
    if exercises is None:
        return 1
    configure(config)
    sock = bind(LOOPBACK, 0)  # the examples' API, on a free loopback port
    runner = _runner(config, config.example_api_url(sock.getsockname()[1]))
    app = TutorApp(Tutor(config, exercises, runner), manage_runner=False)
    started = time.perf_counter()
    async with runner, serving(app, sock):
        problems = await verify(exercises.values(), runner)
    for problem in problems:
        print(problem)
    took = time.perf_counter() - started
    verdict = f"{len(problems)} problem(s)" if problems else "all hold"
    print(f"verified {len(exercises)} exercises in {took:.1f} s: {verdict}", file=sys.stderr)
    return 1 if problems else 0


def _bind(config: TutorConfig) -> socket.socket:
    from tutor.server import bind

    try:
        return bind(config.host, config.port)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise ConfigError(
                f"port {config.port} on {config.host} is in use (TUTOR_PORT={config.port}): "
                "another instance may be running; stop it or set TUTOR_PORT to a free port"
            ) from None
        raise ConfigError(
            f"cannot listen on {config.host} port {config.port} (TUTOR_HOST, TUTOR_PORT): "
            f"{error.strerror or error}"
        ) from None


def _stopped(signum: int, frame: object) -> None:
    raise SystemExit(0)


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tutor", description=__doc__)
    parser.add_argument("--host", help="address to bind (TUTOR_HOST, default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (TUTOR_PORT, default 8765)")
    commands = parser.add_subparsers(dest="command")
    check = commands.add_parser("verify", help="run every exercise and check its outcomes")
    check.add_argument("path", nargs="?", type=Path, help="a folder of packs or one pack")
    args = parser.parse_args(argv)
    try:
        config = TutorConfig.from_environ(read_environment(environ))
        if args.host is not None:
            config = replace(config, host=args.host)
        if args.port is not None:
            config = replace(config, port=args.port)
        if args.command != "verify":
            config.check_servable()
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.command == "verify":
        return asyncio.run(verify_command(config, args.path or config.packs))
    # uvicorn shuts down gracefully on SIGTERM, then re-raises it: let that end in status 0.
    signal.signal(signal.SIGTERM, _stopped)
    configure_logs(config.log_format)
    try:
        return asyncio.run(serve(config))
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
