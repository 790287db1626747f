#!/usr/bin/env bash
# Installs what masq needs on a fresh Debian 12 machine, and only what is missing.
#
#   scripts/bootstrap.sh build   C++ toolchain and libraries (enough for `make demo`)
#   scripts/bootstrap.sh venv    the project's Python virtual environment .venv (nothing in it yet)
#   scripts/bootstrap.sh test    the above, plus what the test suite runs against:
#                                pytest, a local Spark (pyspark + Java 17) and the notebook's
#                                fastDamerauLevenshtein package for the parity test, and the
#                                Python package's build tools and test needs (pandas, pyarrow, nbconvert),
#                                Chromium, and from npm Azurite and the KQL analyser (Kusto.Language)
#
# Every Python package goes into .venv at the repository root (created from $PYTHON, default
# python3, and reused when present), never into the system's Python: Debian's python3 refuses
# `pip install` (PEP 668, "externally-managed-environment"). `make` runs .venv/bin/python.
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-build}"
python="${PYTHON:-python3}" # the interpreter .venv is made from
venv=.venv
vpy="$venv/bin/python"

apt_install() {
    echo "bootstrap: installing Debian packages: $*" >&2
    local sudo=""
    [[ $(id -u) -ne 0 ]] && sudo="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >&2
}

# .venv with a working pip; created (or, when a half-made one is there, re-created) from $python.
# Debian ships venv's pip bootstrap (ensurepip) separately, in python3-venv.
ensure_venv() {
    if [[ -x "$vpy" ]] && "$vpy" -m pip --version >/dev/null 2>&1; then return; fi
    echo "bootstrap: creating the virtual environment $venv from $python" >&2
    local log
    log=$(mktemp)
    if ! "$python" -m venv --clear "$venv" >"$log" 2>&1; then
        if "$python" -c "import ensurepip" 2>/dev/null && ! grep -q ensurepip "$log"; then
            cat "$log" >&2; rm -f "$log"; exit 1
        fi
        apt_install python3-venv
        "$python" -m venv --clear "$venv" >&2
    fi
    rm -f "$log"
    # Never pip-install anywhere but into the virtual environment.
    "$vpy" -c "import sys; assert sys.prefix != sys.base_prefix, sys.prefix" ||
        { echo "bootstrap: $vpy is not a virtual environment" >&2; exit 1; }
}

apt_packages=(
    build-essential cmake ninja-build pkg-config
    libsimdjson-dev libicu-dev zlib1g-dev libfmt-dev libcli11-dev libabsl-dev libzstd-dev libxxhash-dev libcsv-dev libevtx-dev libbfio-dev libxml2-dev libcurl4-openssl-dev libssl-dev libjemalloc-dev
    libgtest-dev libbenchmark-dev
)
# The sanitizer build and the fuzz harnesses (make sanitize, test-sanitize, fuzz): clang, its
# sanitizer and libFuzzer runtimes, and llvm-symbolizer for readable reports. Otherwise as `test`.
if [[ "$what" == "sanitize" ]]; then
    apt_packages+=(clang-14 libclang-rt-14-dev llvm-14)
    what=test
fi
# Spark needs a Java runtime (17 is on the machines already; install one only when none is there).
if [[ "$what" == "test" ]] && ! command -v java >/dev/null; then apt_packages+=(default-jre-headless); fi
# The HTML report's browser test: Debian's Chromium and its matching WebDriver.
if [[ "$what" == "test" ]]; then apt_packages+=(chromium chromium-driver); fi
# Azurite (the Blob Storage emulator for the integration tests) and the KQL analyser come from npm.
if [[ "$what" == "test" ]] && ! command -v npm >/dev/null; then apt_packages+=(nodejs npm); fi

missing=()
for p in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    apt_install "${missing[@]}"
fi

if [[ "$what" == "venv" || "$what" == "test" ]]; then
    ensure_venv
fi

if [[ "$what" == "test" ]]; then
    py_missing=()
    "$vpy" -c "import pytest" 2>/dev/null || py_missing+=("pytest")
    "$vpy" -c "import pyspark" 2>/dev/null || py_missing+=("pyspark==3.5.*")
    "$vpy" -c "import azure.storage.blob" 2>/dev/null || py_missing+=("azure-storage-blob")
    # The Python package (pip install .) and its tests: build tools, pandas/Arrow, the example notebook.
    "$vpy" -c "import nanobind, scikit_build_core" 2>/dev/null || py_missing+=("nanobind" "scikit-build-core")
    "$vpy" -c "import pandas, pyarrow" 2>/dev/null || py_missing+=("pandas" "pyarrow")
    "$vpy" -c "import nbconvert, ipykernel" 2>/dev/null || py_missing+=("nbconvert" "ipykernel")
    "$vpy" -c "import selenium" 2>/dev/null || py_missing+=("selenium")
    "$vpy" -c "import yaml" 2>/dev/null || py_missing+=("pyyaml")  # the Sentinel hunting queries
    "$vpy" -c "import pycep" 2>/dev/null || py_missing+=("pycep-parser==0.7.1")  # the Sentinel Bicep files
    "$vpy" -c "import duckdb" 2>/dev/null || py_missing+=("duckdb")  # bench/cardinality.py's peer
    if ((${#py_missing[@]})); then
        echo "bootstrap: installing Python packages into $venv: ${py_missing[*]}" >&2
        "$vpy" -m pip install --quiet --disable-pip-version-check "${py_missing[@]}" >&2
    fi
    scripts/install-fastdamerau.sh "$vpy" >&2
    # Azurite, the Azure Blob Storage emulator the integration tests run against (npm).
    if [[ ! -x .cache/npm/node_modules/.bin/azurite-blob ]]; then
        echo "bootstrap: installing azurite (npm)" >&2
        mkdir -p .cache/npm
        npm install --prefix .cache/npm --no-audit --no-fund --silent azurite@3 >&2
    fi
    # Kusto.Language (npm @kusto/language-service-next, the version tests/sentinel/package-lock.json
    # pins), which tests/cli/test_sentinel_kql.py analyses the Sentinel content's KQL with.
    # Installed again when the lock file pins another version than the one installed.
    if ! node -e 'const lock = require("./tests/sentinel/package-lock.json"), pkg = "node_modules/@kusto/language-service-next";
                  process.exit(require(`./tests/sentinel/${pkg}/package.json`).version === lock.packages[pkg].version ? 0 : 1)' 2>/dev/null; then
        echo "bootstrap: installing the KQL analyser @kusto/language-service-next (npm)" >&2
        npm ci --prefix tests/sentinel --no-audit --no-fund --silent >&2
    fi
fi
