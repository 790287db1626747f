# SPDX-License-Identifier: MIT
"""Fixtures every Python test suite shares: the masq binary, the repository root, ../shared."""
import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


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
