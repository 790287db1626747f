# SPDX-License-Identifier: MIT
"""Outputs frozen before the wave-2 refactor (tests/golden/cases.py): a refactor must leave every
byte of them unchanged; an intended change of behaviour re-records them in its own commit."""
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tests" / "golden"))
import cases  # noqa: E402


@pytest.mark.parametrize("name", sorted(cases.CASES))
def test_output_is_byte_identical_to_the_golden_file(masq_bin, name):
    _, needs_shared = cases.CASES[name]
    if needs_shared and not cases.REAL.exists():
        pytest.skip("../shared/data/real is not present")
    expected = (cases.EXPECTED / name).read_bytes()
    actual = cases.run(masq_bin, name)
    assert actual == expected, f"{name}: output differs from tests/golden/expected/{name}"
