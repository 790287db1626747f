# SPDX-License-Identifier: MIT
"""masq.spark.detect_files on a local[2] Spark session: the executors read with masq's C++ reader,
the driver merges their partial profiles; the findings, samples' files and lines included, must be
the CLI's on the same files."""
import json
import pathlib
import sys

import pytest

pytest.importorskip("pyspark")

import masq  # noqa: E402
from masq import _core  # noqa: E402
from masq import spark as masq_spark  # noqa: E402
from masq_helpers import assert_same_findings, cli_findings, frame_records, local_spark  # noqa: E402

MODES = ["seed", "full"]


@pytest.fixture(scope="module")
def spark():
    session = local_spark("masq-files-tests")
    yield session
    session.stop()


def files_findings(spark, paths, mode, **options):
    return frame_records(masq_spark.detect_files(spark, [str(p) for p in paths], mode=mode, as_pandas=True,
                                                 **options))


@pytest.fixture(scope="module")
def with_problems(tmp_path_factory, generated):
    """The generated events with bad lines spread through them (every 997th line replaced), so
    problems fall in every byte range of the file."""
    lines = pathlib.Path(generated).read_text().splitlines()
    for i in range(5, len(lines), 997):
        lines[i] = lines[i][: len(lines[i]) // 2]  # a cut JSON object
    path = tmp_path_factory.mktemp("bad") / "with-problems.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("mode", MODES)
def test_sample_and_real_equal_cli(spark, masq_bin, root, shared, mode):
    """A gzip file and the real export together: two files, samples by file then line."""
    inputs = [root / "data" / "sample" / "securityevent-sample.json.gz",
              shared / "data" / "real" / "real_process_events.jsonl"]
    found = files_findings(spark, inputs, mode)
    assert found and any(s["line"] for r in found for s in r["samples"])
    assert_same_findings(found, cli_findings(masq_bin, inputs, mode))


@pytest.mark.parametrize("mode", MODES)
def test_byte_ranges_equal_cli(spark, masq_bin, generated, mode):
    """The generated file cut into byte ranges read by different tasks: lines of a range are
    numbered after those of the ranges before it, so samples equal the CLI's."""
    tasks = _core.Profile().plan_files([str(generated)], 2, "auto", 64 << 10)
    assert len(tasks) > 2 and {t[0] for t in tasks} == {0}
    found = files_findings(spark, [generated], mode, min_range=64 << 10)
    assert found
    assert_same_findings(found, cli_findings(masq_bin, [generated], mode))


def test_problems_are_the_clis(spark, masq_bin, with_problems):
    """Bad lines in every range are reported with the file's line numbers, in order, as the
    reader driver on threads reports them; the findings stay the CLI's."""
    frame = masq_spark.detect_files(spark, [str(with_problems)], mode="full", as_pandas=True, min_range=64 << 10)
    local = masq.detect(str(with_problems), mode="full", threads=2)
    assert frame.attrs["summary"]["problems"] == local.attrs["summary"]["problems"] > 5
    assert frame.attrs["problems"] == local.attrs["problems"]
    assert f"{with_problems}:6:" in frame.attrs["problems"][0]
    assert_same_findings(frame_records(frame), cli_findings(masq_bin, [with_problems], "full"))


def test_strict_fails_at_the_first_problem(spark, with_problems):
    with pytest.raises(masq.MasqError, match=f"{with_problems}:6:"):
        masq_spark.detect_files(spark, [str(with_problems)], strict=True, min_range=64 << 10)


def test_missing_file_is_a_problem_and_strict_fails(spark, tmp_path, shared):
    real = shared / "data" / "real" / "real_process_events.jsonl"
    missing = tmp_path / "missing.jsonl"
    frame = masq_spark.detect_files(spark, [str(real), str(missing)], as_pandas=True)
    assert any("missing.jsonl" in p for p in frame.attrs["problems"])
    with pytest.raises(masq.MasqError, match="missing.jsonl"):
        masq_spark.detect_files(spark, [str(real), str(missing)], strict=True)


def test_spark_frame_and_folder(spark, masq_bin, tmp_path, shared):
    """A folder (walked as the CLI walks it), returned as a Spark DataFrame of findings."""
    real = shared / "data" / "real" / "real_process_events.jsonl"
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "a.json").write_bytes(real.read_bytes())
    found = masq_spark.detect_files(spark, [str(folder)], mode="seed")
    assert [f.name for f in found.schema.fields] == masq.FINDING_FIELDS
    rows = found.collect()
    cli = cli_findings(masq_bin, [folder], "seed")
    assert [(r.suspicious_process, r.normal_process) for r in rows] == \
        [(c["suspicious_process"], c["normal_process"]) for c in cli]


def test_executor_without_native_module_says_so(monkeypatch):
    """What an executor without masq._core raises: a message that says how to ship masq."""
    monkeypatch.setitem(sys.modules, "masq._core", None)  # import fails as on a bare executor
    read = masq_spark._part_reader("auto", 3, True)
    with pytest.raises(RuntimeError, match=r"cannot import masq's native module masq\._core.*spark\.archives.*docs/python\.md"):
        list(read(iter([(0, [(0, "/nonexistent", 0, 0)])])))


def test_reader_ships_by_value_to_an_executor_without_masq(tmp_path):
    """Spark pickles the executors' function with cloudpickle: it must load where masq is not
    installed at all, so that the message above is what the executor raises."""
    import subprocess
    from pyspark import cloudpickle

    blob = tmp_path / "reader.pickle"
    blob.write_bytes(cloudpickle.dumps(masq_spark._part_reader("auto", 3, True)))
    code = ("import sys; sys.modules['masq'] = None; sys.modules['masq._core'] = None\n"
            "from pyspark import cloudpickle\n"
            f"read = cloudpickle.loads(open({str(blob)!r}, 'rb').read())\n"
            "try:\n    list(read(iter([(0, [(0, '/x', 0, 0)])])))\n"
            "except RuntimeError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "cannot import masq's native module masq._core" in out and "spark.archives" in out


def test_partial_profile_bytes_are_checked(root):
    sample = str(root / "data" / "sample" / "securityevent-sample.json.gz")
    with pytest.raises(ValueError, match="not a masq partial profile"):
        _core.Profile().add_part([0], b"MASQPRT2\xff")
    good = _core.read_parts([(sample, 0, 2**64 - 1)])
    for cut in (0, 8, len(good) // 2, len(good) - 1):
        with pytest.raises(ValueError, match="not a masq partial profile"):
            _core.Profile().add_part([0], good[:cut])
    with pytest.raises(ValueError, match="1 tasks, not 2"):
        _core.Profile().add_part([0, 0], good)
    profile = _core.Profile()
    profile.add_part([0], good)
    local = _core.Profile()
    local.read_files([sample])
    assert (profile.events, profile.distinct_names) == (local.events, local.distinct_names) != (0, 0)


def test_groups_keep_input_order():
    tasks = [(i // 3, f"f{i // 3}", 0, 0, size) for i, size in enumerate([5, 1, 1, 1, 9, 2, 2, 3])]
    groups = masq_spark._groups(tasks, 3)
    assert len(groups) == 3 and [t for g in groups for t in g] == [t[:4] for t in tasks]
    assert masq_spark._groups(tasks, 1) == [[t[:4] for t in tasks]]
    assert len(masq_spark._groups(tasks[:2], 8)) == 2
