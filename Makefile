# The commands of the README: `make run`, `make sync [GUILD=server id]` and `make test`;
# `make runtime` for a production host (docs/deploy.md).
# Each creates .venv when it is missing and installs the hashed pins of requirements/dev.lock,
# then the project itself with --no-deps (pip refuses `-e .` while it checks hashes).
# `make lock` regenerates both locks from pyproject.toml with uv; the Docker image installs
# requirements/runtime.lock only.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

LOCK := uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command "make lock" --quiet

.PHONY: runtime run sync verify test lint typecheck pytest check-packs clean lock docker-test bench

$(STAMP): pyproject.toml requirements/dev.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=python3.11")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# After changing dependencies in pyproject.toml; keeps every other pin as it is.
# `make lock LOCK_ARGS=--upgrade` moves every pin to the newest version pyproject.toml allows.
lock: $(STAMP)
	$(PY) -m $(LOCK) $(LOCK_ARGS) -o requirements/runtime.lock
	$(PY) -m $(LOCK) $(LOCK_ARGS) --extra dev -c requirements/runtime.lock -o requirements/dev.lock

# A production host without Docker (docs/deploy.md): the runtime lock only, no test or lint
# tools, as the Dockerfile installs it; the project reinstalled each time, for upgrades.
RUNTIME_VENV ?= .venv-runtime
runtime:
	test -x $(RUNTIME_VENV)/bin/python || $(PYTHON) -m venv $(RUNTIME_VENV)
	$(RUNTIME_VENV)/bin/python -m pip install --quiet --require-hashes -r requirements/runtime.lock
	$(RUNTIME_VENV)/bin/python -m pip install --quiet --no-deps --force-reinstall .

run: $(STAMP)
	$(PY) -m exercises check
	$(PY) -m launcher

# Check exercise packs as the bot loads them: every problem, naming the file and the field.
check-packs: $(STAMP)
	$(PY) -m exercises check $(PACK)

# Run every exercise's example with each option and check the declared outcomes (authors:
# exercises/README.md). PACK=path checks those packs instead of EXERCISES_PATH or the shipped.
verify: $(STAMP)
	$(PY) -m tutor verify $(PACK)

# Register the slash commands now: on one server with GUILD=<server id> (instant), else globally.
sync: $(STAMP)
	$(PY) -m bot sync $(if $(GUILD),--guild $(GUILD))

test: lint typecheck pytest

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/hadolint Dockerfile

typecheck: $(STAMP)
	$(PY) -m mypy

pytest: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

# Where a Docker engine exists: build the image, run both services from it against the
# loopback Discord, and wait for Docker to call each healthy. (.ci/run checks the same
# install steps and healthchecks without an engine.)
docker-test: $(STAMP)
	docker build -t discord-tutor:test .
	$(PY) .ci/docker_env.py --docker discord-tutor:test

# The speed of the click path, the store, the tutor's runs, memory and start, against fixed
# baselines, in one table (a few minutes on 2 cores). A correctness check inside a benchmark
# fails it; speed goals are reported beside the numbers. BENCH_ARGS="clicks --clicks-runs 3".
bench: $(STAMP)
	$(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache

# The sandbox: the real bot against a loopback Discord, shown on a page on 127.0.0.1, no Discord
# account needed (launcher/local_sandbox.py). `make run` starts it too when DISCORD_TOKEN is not set.
.PHONY: sandbox preview

# DAYS_AHEAD=1 runs the sandbox's bot a day ahead: what you missed is in /review (docs/sandbox.md).
sandbox: $(STAMP)
	$(PY) -m exercises check
	$(PY) -m launcher.local_sandbox $(if $(DAYS_AHEAD),--days-ahead $(DAYS_AHEAD))

preview: $(STAMP)
	@test -n "$(PACK)" || { echo "usage: make preview PACK=path/to/packs (or one pack)" >&2; exit 2; }
	$(PY) -m exercises check $(PACK)
	$(PY) -m launcher.local_sandbox --packs $(PACK)
