# The two commands the README promises, plus the helpers they are built from.
#   make run [ARCHIVE=/path/to/bulletins]   install, index (a generated demo archive when no ARCHIVE), serve
#   make test                               install everything and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ARCHIVE ?=
DEMO_ARCHIVE ?= demo_archive
DEMO_ISSUES ?= 60
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint install install-test browser ocr index-demo bench clean

# Debian and Ubuntu ship python3 without venv (the python3-venv package): install it when root.
$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { rm -rf $(VENV); \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -q && apt-get install -y -q python3-venv && $(PYTHON) -m venv $(VENV); \
	  else echo "python3 cannot create a virtual environment: run 'sudo apt-get install python3-venv'"; exit 1; fi; }
	$(BIN)/python -m pip install -q --upgrade pip

# Stamps: a second `make run` starts serving at once instead of asking pip again; editing the
# package metadata (dependencies, entry points) installs afresh.
$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	@touch $@

$(VENV)/.installed-test: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# Debian's chromium for the browser tests (Playwright's own browser download is not used), and a
# CJK font so that its screenshots show Chinese rather than empty boxes.
browser:
	@if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk"; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q chromium fonts-wqy-microhei; \
	else echo "chromium or a CJK font is missing: run 'sudo apt-get install chromium fonts-wqy-microhei' (browser tests will be skipped)"; fi

# Tesseract with its simplified-Chinese model reads scanned pages (indexer/parsing/ocr.py). Without
# it a scanned page is refused by name with this same hint, and the OCR tests are skipped.
ocr:
	@if command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx chi_sim; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then apt-get update -q && apt-get install -y -q tesseract-ocr tesseract-ocr-chi-sim; \
	else echo "tesseract or its Chinese model is missing: run 'sudo apt-get install tesseract-ocr tesseract-ocr-chi-sim' (scanned pages will be refused, OCR tests skipped)"; fi

# With ARCHIVE the folder stays watched while serving: a bulletin dropped into it is searchable
# within seconds, without a restart.
run: install ocr
	@if [ -n "$(ARCHIVE)" ]; then \
	  { $(BIN)/bulletin-search index "$(ARCHIVE)" || [ $$? -eq 1 ]; } && \
	  $(BIN)/bulletin-search serve --host $(HOST) --port $(PORT) --watch "$(ARCHIVE)"; \
	else \
	  [ -d "$(DEMO_ARCHIVE)" ] || $(BIN)/bulletin-search demo "$(DEMO_ARCHIVE)" --issues $(DEMO_ISSUES); \
	  { $(BIN)/bulletin-search index "$(DEMO_ARCHIVE)" || [ $$? -eq 1 ]; } && \
	  $(BIN)/bulletin-search serve --host $(HOST) --port $(PORT); \
	fi

test: install-test browser ocr
	$(BIN)/python -m pytest

# A small rule set (pyproject.toml's [tool.ruff]): mistakes, not style.
lint: install-test
	$(BIN)/ruff check .

bench: install
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache test-output
