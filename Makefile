# The two commands of the README: `make run` and `make test`.
# Each creates .venv when it is missing and installs pinned versions from requirements.lock.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint typecheck pytest check-packs clean

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=python3.11")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m exercises check
	$(PY) -m bot.launch

test: lint typecheck pytest

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(STAMP)
	$(PY) -m mypy

pytest: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache

# The sandbox: the real bot against a loopback Discord, shown on a page on 127.0.0.1, no Discord
# account needed (bot/local_sandbox.py). `make run` starts it too when DISCORD_TOKEN is not set.
.PHONY: sandbox preview

sandbox: $(STAMP)
	$(PY) -m exercises check
	$(PY) -m bot.local_sandbox

preview: $(STAMP)
	@test -n "$(PACK)" || { echo "usage: make preview PACK=path/to/packs (or one pack)" >&2; exit 2; }
	$(PY) -m exercises check $(PACK)
	$(PY) -m bot.local_sandbox --packs $(PACK)
