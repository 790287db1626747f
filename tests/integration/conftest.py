# SPDX-License-Identifier: MIT
import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def masq_bin():
    path = pathlib.Path(os.environ.get("MASQ_BIN", ROOT / "build" / "release" / "masq"))
    assert path.exists(), f"masq binary not found at {path}; run `make build` or set MASQ_BIN"
    return str(path)


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def shared():
    path = ROOT.parent / "shared"
    if not path.exists():
        pytest.skip("../shared is not present")
    return path
