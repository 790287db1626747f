# SPDX-License-Identifier: MIT
"""Hostile and damaged inputs (tests/data/fuzz-regressions): masq reports a problem naming the
file and line, keeps what is good, and never crashes."""
import subprocess

import pytest


def run(masq_bin, *args, timeout=60, **kw):
    return subprocess.run([masq_bin, *map(str, args)], capture_output=True, text=True, timeout=timeout, **kw)


@pytest.fixture(scope="session")
def data(root):
    return root / "tests" / "data" / "fuzz-regressions"


def no_crash(r):
    # A negative code is a signal (SIGSEGV, SIGABRT); 134/139 the shell's spelling of the same.
    assert r.returncode >= 0 and r.returncode not in (134, 139), r.stderr


@pytest.mark.parametrize("args", [[], ["--input-format", "ecs"], ["--map", "process=process.name"]])
def test_f1_json_dialect_bad_line_after_good_one(masq_bin, data, args):
    r = run(masq_bin, "convert", *args, data / "json_dialects-auto-detected-ecs-then-bad-line.json")
    no_crash(r)
    assert ":2:" in r.stderr
    if not args or args[0] == "--input-format":
        assert "sppsvc.exe" in r.stdout


def test_f1_json_dialect_minimal(masq_bin, data):
    r = run(masq_bin, "convert", "--input-format", "ecs", data / "json_dialects-at_pointer-after-error.min.json")
    no_crash(r)
    assert ":1:" in r.stderr
