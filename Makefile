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

SAN    := build/sanitize
# The libFuzzer harnesses (fuzz/README.md); `make fuzz` runs each for FUZZ_SECONDS or FUZZ_RUNS
# executions, whichever ends first.
FUZZERS := security_event json_dialects csv evtx compressed blob_listing http_responses allow_list catalog \
           findings_reader time arrow_stream similarity partial_profile
FUZZ_SECONDS ?= 1800
FUZZ_RUNS ?= 10000000

.PHONY: all build demo test test-unit test-python python bench-spark bootstrap bootstrap-test format clean bench \
        sanitize test-sanitize fuzz

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
	$(MASQ) detect --format table --report $(BUILD)/demo-report.html data/sample/
	@echo "== the HTML report of the same run (open it in a browser): $(abspath $(BUILD)/demo-report.html)"
	@echo
	@echo "== masq detect --mode seed: the Sentinel notebook, with its synthetic rows =="
	$(MASQ) detect --mode seed --inject-synthetic --seed 42 --format table data/sample/

test: bootstrap-test build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	MASQ_BIN=$(abspath $(MASQ)) $(PY) -m pytest -q tests/cli tests/parity tests/quality tests/integration tests/report
	$(MAKE) --no-print-directory python
	MASQ_BIN=$(abspath $(MASQ)) $(PY) -m pytest -q -p no:warnings tests/python
	$(MAKE) --no-print-directory test-sanitize

# The unit tests and the CLI suite again under ASan + UBSan (every finding is fatal:
# -fno-sanitize-recover=all), and every fuzz harness's smoke run: each saved crash input and seed
# once, then 15 s of fuzzing (fuzz/README.md).
test-sanitize: bootstrap-test sanitize
	cd $(SAN) && ctest --output-on-failure -j $(JOBS) -LE package
	MASQ_BIN=$(abspath $(SAN)/masq) MASQ_SANITIZED=1 ASAN_OPTIONS=detect_leaks=1 \
		LSAN_OPTIONS=suppressions=$(abspath fuzz/lsan.supp):print_suppressions=0 \
		$(PY) -m pytest -q tests/cli

# clang with ASan + UBSan: the library, the CLI, the unit tests and the fuzz harnesses (fuzz/).
sanitize:
	@PYTHON=$(PYTHON) scripts/bootstrap.sh sanitize
	@cmake --preset sanitize >/dev/null
	@cmake --build $(SAN) -j $(JOBS)

# A recorded campaign: every harness in turn, then the figures for docs/robustness.md.
fuzz: sanitize
	@for h in $(FUZZERS); do \
		echo "== fuzz_$$h: up to $(FUZZ_SECONDS) s or $(FUZZ_RUNS) executions"; \
		fuzz/run.sh campaign $$h $(SAN)/fuzz/fuzz_$$h $(FUZZ_SECONDS) $(FUZZ_RUNS) || exit 1; \
	done
	$(PY) fuzz/summarize.py build/fuzz-campaign

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
