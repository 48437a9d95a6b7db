# `make demo` and `make test` each set up everything they need on a fresh Debian machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: install demo test lint bench samples templates clean system-fonts system-test-tools

install: $(VENV)/.installed system-fonts

# Charts need a font with Chinese glyphs; Windows has 微软雅黑, a bare Debian has none.
system-fonts:
	@fc-list :lang=zh 2>/dev/null | grep -q . || sh scripts/apt-install.sh fonts-noto-cjk

# Tests convert the Word report to PDF (LibreOffice Writer) and PDF pages to images (poppler);
# the console's browser tests drive Debian's Chromium (Playwright is pointed at /usr/bin/chromium).
system-test-tools:
	@sh scripts/apt-install.sh libreoffice-writer fonts-liberation2 poppler-utils chromium chromium-driver

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "python3-venv 缺失，正在安装…"; \
	  (apt-get update -q && apt-get install -y -q python3-venv) || \
	  (sudo apt-get update -q && sudo apt-get install -y -q python3-venv); \
	  $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@

demo: install
	$(BIN)/reportgen run --config config/example.yaml --period 2024-06
	$(BIN)/reportgen run --config config/example.yaml --period 2024-09
	@echo "示例报告已生成：output/2024-06/ 与 output/2024-09/（Word 通报、图表、Excel 汇总表）"

# Lint and format checks with the ruff version pinned in pyproject.toml (installed with the test extras).
lint: $(VENV)/.installed
	$(BIN)/ruff check reportgen tests scripts benchmarks
	$(BIN)/ruff format --check reportgen tests scripts benchmarks

test: install system-test-tools lint
	$(BIN)/python -m pytest

# Benchmarks: S (demo), M, L workloads; prints a table and writes output/bench.json (docs/performance.md).
bench: install
	$(BIN)/python -m pip install -q -e '.[bench]'
	$(BIN)/python -m benchmarks.bench

# Regenerate the committed sample data and the default Excel template (deterministic).
samples: install
	$(BIN)/python scripts/make_samples.py

clean:
	rm -rf $(VENV) output/20*
