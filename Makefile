# The two commands of a fresh machine: `make demo` and `make test`.
# Both install what is missing (scripts/bootstrap.sh), build, then run. Python runs from the
# project's virtual environment .venv (made from $(PYTHON) by the bootstrap), never the system's.

PRESET ?= release
BUILD  := build/$(PRESET)
MASQ   := $(BUILD)/masq
JOBS   ?= $(shell nproc)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python

.PHONY: all build demo test test-unit test-python python bench-spark bootstrap bootstrap-test format clean bench

all: build

bootstrap:
	@scripts/bootstrap.sh build

bootstrap-test:
	@PYTHON=$(PYTHON) scripts/bootstrap.sh test

.PHONY: venv
venv:
	@PYTHON=$(PYTHON) scripts/bootstrap.sh venv

build: bootstrap
	@cmake --preset $(PRESET) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	@echo "== masq detect (full mode) on data/sample: real events from public attack datasets =="
	$(MASQ) detect --format table data/sample/
	@echo
	@echo "== masq detect --mode seed: the Sentinel notebook, with its synthetic rows =="
	$(MASQ) detect --mode seed --inject-synthetic --seed 42 --format table data/sample/

test: bootstrap-test build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	MASQ_BIN=$(abspath $(MASQ)) $(PY) -m pytest -q tests/cli tests/parity tests/quality tests/integration
	$(MAKE) --no-print-directory python
	MASQ_BIN=$(abspath $(MASQ)) $(PY) -m pytest -q -p no:warnings tests/python

# The Python package (pip install .) into .venv, built incrementally in build/python with the build
# tools bootstrap installed; a fresh machine's plain `pip install .` builds the same in isolation.
python: bootstrap-test
	$(PY) -m pip install --quiet --disable-pip-version-check --no-build-isolation --no-deps \
		-Cbuild-dir=build/python .

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')

bench: build venv
	$(BUILD)/bench/masq_kernels
	$(PY) -m pip install --quiet --disable-pip-version-check rapidfuzz duckdb numpy
	$(PY) bench/similarity_join.py --sizes 20000,200000 --out bench/similarity_join.json

# Notebook algorithm vs masq.spark.detect vs the CLI on local[2] (bench/RESULTS.md, "Spark").
bench-spark: build python
	$(PY) bench/spark.py --masq $(abspath $(MASQ))

clean:
	rm -rf build
