# helle: the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PORT

.PHONY: run test lint messages screenshots bench evaluate lock clean install

# The virtual environment, rebuilt whenever the pinned requirements change.
$(VENV)/.installed: requirements.lock
	@command -v $(PYTHON) >/dev/null || { echo "helle needs Python 3.11 ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $@

install: $(VENV)/.installed

run: $(VENV)/.installed
	HELLE_DEBUG=$${HELLE_DEBUG:-1} $(PY) manage.py migrate --noinput
	HELLE_DEBUG=$${HELLE_DEBUG:-1} $(PY) manage.py seed_demo
	HELLE_DEBUG=$${HELLE_DEBUG:-1} $(PY) manage.py train_safety_model --task crisis --if-missing
	HELLE_DEBUG=$${HELLE_DEBUG:-1} $(PY) manage.py train_safety_model --task grooming --if-missing
	HELLE_DEBUG=$${HELLE_DEBUG:-1} $(PY) manage.py serve --port $(PORT)

test: $(VENV)/.installed
	$(PY) manage.py makemigrations --check --dry-run >/dev/null || { echo "Models changed without a migration: run manage.py makemigrations"; exit 1; }
	$(PY) -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

# Update the Danish catalogue after changing texts, then translate the new entries.
messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l da --no-obsolete --add-location file -i ".venv/*" -i "staticfiles/*" -i "var/*"
	$(PY) manage.py compilemessages -l da -i ".venv" -i "var"

# Speed figures, written to docs/benchmarks.md.
bench: $(VENV)/.installed
	$(PY) manage.py migrate --noinput  # the safety part reads the policy from the site's database
	$(PY) bench/run.py

# Safety quality on our own sets and ../shared/data, written to docs/evaluation.md.
evaluate: $(VENV)/.installed
	$(PY) manage.py safety_eval

screenshots: $(VENV)/.installed
	$(PY) scripts/screenshots.py

# Re-pin every dependency from pyproject.toml into requirements.lock.
lock:
	rm -rf /tmp/helle-lock && $(PYTHON) -m venv /tmp/helle-lock
	/tmp/helle-lock/bin/pip install --quiet --upgrade pip
	$(PYTHON) -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
	  print('\n'.join(p['dependencies'] + p['optional-dependencies']['dev']))" > /tmp/helle-lock/direct.txt
	/tmp/helle-lock/bin/pip install --quiet -r /tmp/helle-lock/direct.txt
	/tmp/helle-lock/bin/pip freeze | sort > requirements.lock

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
