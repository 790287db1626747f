# The two commands of a fresh machine: `make demo` and `make test`.
# Both install what is missing (scripts/bootstrap.sh), build, then run.

PRESET ?= release
BUILD  := build/$(PRESET)
MASQ   := $(BUILD)/masq
JOBS   ?= $(shell nproc)

.PHONY: all build demo test test-unit test-python bootstrap bootstrap-test format clean bench

all: build

bootstrap:
	@scripts/bootstrap.sh build

bootstrap-test:
	@scripts/bootstrap.sh test

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
	MASQ_BIN=$(abspath $(MASQ)) python3 -m pytest -q tests/cli tests/parity tests/quality tests/integration

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')

bench: build
	$(BUILD)/bench/masq_kernels
	python3 -m pip install --quiet --disable-pip-version-check rapidfuzz duckdb numpy
	python3 bench/similarity_join.py --sizes 20000,200000 --out bench/similarity_join.json

clean:
	rm -rf build
