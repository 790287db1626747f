#!/usr/bin/env bash
# Installs what masq needs on a fresh Debian 12 machine, and only what is missing.
#
#   scripts/bootstrap.sh build   C++ toolchain and libraries (enough for `make demo`)
#   scripts/bootstrap.sh test    the above, plus what the test suite runs against:
#                                pytest, a local Spark (pyspark + Java 17) and the notebook's
#                                fastDamerauLevenshtein package for the parity test, and the
#                                Python package's build tools and test needs (pandas, pyarrow, nbconvert)
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-build}"

apt_packages=(
    build-essential cmake ninja-build pkg-config
    libsimdjson-dev libicu-dev zlib1g-dev libfmt-dev libcli11-dev libabsl-dev libzstd-dev libxxhash-dev libcsv-dev libevtx-dev libbfio-dev libxml2-dev libcurl4-openssl-dev libssl-dev
    libgtest-dev libbenchmark-dev
)
# Spark needs a Java runtime (17 is on the machines already; install one only when none is there).
if [[ "$what" == "test" ]] && ! command -v java >/dev/null; then apt_packages+=(default-jre-headless); fi
# Azurite (the Blob Storage emulator for the integration tests) comes from npm.
if [[ "$what" == "test" ]] && ! command -v npm >/dev/null; then apt_packages+=(nodejs npm); fi

missing=()
for p in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "bootstrap: installing Debian packages: ${missing[*]}" >&2
    sudo=""
    [[ $(id -u) -ne 0 ]] && sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

if [[ "$what" == "test" ]]; then
    py_missing=()
    python3 -c "import pytest" 2>/dev/null || py_missing+=("pytest")
    python3 -c "import pyspark" 2>/dev/null || py_missing+=("pyspark==3.5.*")
    python3 -c "import azure.storage.blob" 2>/dev/null || py_missing+=("azure-storage-blob")
    # The Python package (pip install .) and its tests: build tools, pandas/Arrow, the example notebook.
    python3 -c "import nanobind, scikit_build_core" 2>/dev/null || py_missing+=("nanobind" "scikit-build-core")
    python3 -c "import pandas, pyarrow" 2>/dev/null || py_missing+=("pandas" "pyarrow")
    python3 -c "import nbconvert, ipykernel" 2>/dev/null || py_missing+=("nbconvert" "ipykernel")
    if ((${#py_missing[@]})); then
        echo "bootstrap: installing Python packages: ${py_missing[*]}" >&2
        python3 -m pip install --quiet --disable-pip-version-check "${py_missing[@]}" >&2
    fi
    scripts/install-fastdamerau.sh >&2
    # Azurite, the Azure Blob Storage emulator the integration tests run against (npm).
    if [[ ! -x .cache/npm/node_modules/.bin/azurite-blob ]]; then
        echo "bootstrap: installing azurite (npm)" >&2
        mkdir -p .cache/npm
        npm install --prefix .cache/npm --no-audit --no-fund --silent azurite@3 >&2
    fi
fi
