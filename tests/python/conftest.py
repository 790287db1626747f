# SPDX-License-Identifier: MIT
"""Fixtures of the Python-package tests (the shared ones are in tests/conftest.py)."""
import sys
import pathlib

import pytest

# gen_dataset and notebook_seed live in tests/parity.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "parity"))


@pytest.fixture(scope="session")
def generated(tmp_path_factory):
    """A generated dataset that probes the notebook's rules (tests/parity/gen_dataset.py)."""
    import gen_dataset
    path = tmp_path_factory.mktemp("gen") / "generated.json"
    gen_dataset.main(["--seed", "7", "--events", "20000", "--out", str(path)])
    return path
