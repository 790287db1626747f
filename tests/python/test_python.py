# SPDX-License-Identifier: MIT
"""The Python package against the CLI: same data, same findings, in both modes."""
import gzip
import json
import subprocess
import warnings

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as paj
import pytest

import masq
from masq_helpers import assert_same_findings, cli_findings, frame_records, with_sample_field

MODES = ["seed", "full"]


@pytest.fixture(scope="module")
def real(shared):
    return shared / "data" / "real" / "real_process_events.jsonl"


@pytest.mark.parametrize("mode", MODES)
def test_sample_paths_equal_cli(masq_bin, root, mode):
    sample = root / "data" / "sample"
    found = masq.detect(sample, mode=mode)
    assert len(found) > 0
    assert_same_findings(frame_records(found), cli_findings(masq_bin, [sample], mode))


@pytest.mark.parametrize("mode", MODES)
def test_real_events_equal_cli(masq_bin, real, mode):
    found = masq.detect(str(real), mode=mode)
    assert len(found) > 0
    assert_same_findings(frame_records(found), cli_findings(masq_bin, [real], mode))


@pytest.mark.parametrize("mode", MODES)
def test_generated_equal_cli(masq_bin, generated, mode):
    found = masq.detect([generated], mode=mode)
    assert_same_findings(frame_records(found), cli_findings(masq_bin, [generated], mode))


@pytest.mark.parametrize("mode", MODES)
def test_synthetic_injection_equal_cli(masq_bin, root, mode):
    sample = root / "data" / "sample"
    found = masq.detect(sample, mode=mode, inject_synthetic=True, seed=42)
    assert found["involves_synthetic"].any()
    assert_same_findings(frame_records(found),
                         cli_findings(masq_bin, [sample], mode, "--inject-synthetic", "--seed", "42"))


def test_thresholds_equal_cli(masq_bin, real):
    found = masq.detect(real, mode="seed", frequent_threshold=0.7, infrequent_threshold=0.3,
                        similarity_threshold=0.8)
    cli = cli_findings(masq_bin, [real], "seed", "--frequent-threshold", "0.7", "--infrequent-threshold", "0.3",
                       "--similarity-threshold", "0.8")
    assert len(cli) > 1
    assert_same_findings(frame_records(found), cli)


def read_records(path):
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.mark.parametrize("mode", MODES)
def test_pandas_input_equals_file_input(real, mode):
    frame = pd.DataFrame(read_records(real))
    assert frame["Process"].notna().all()
    from_frame = masq.detect(frame, mode=mode)
    from_file = masq.detect(real, mode=mode)
    assert len(from_file) > 0
    assert (with_sample_field(frame_records(from_frame), "source", None) ==
            with_sample_field(frame_records(from_file), "source", None))
    assert from_frame.attrs["summary"]["events"] == from_file.attrs["summary"]["events"]


@pytest.mark.parametrize("mode", MODES)
def test_arrow_input_equals_file_input(root, mode):
    sample = root / "data" / "sample" / "securityevent-sample.json.gz"
    # EventID as int64 and TimeGenerated as a timestamp column: the reader's other paths.
    table = paj.read_json(pa.py_buffer(gzip.decompress(sample.read_bytes())))
    times = pc.cast(table.column("TimeGenerated"), pa.timestamp("ms", tz="UTC"))
    table = table.set_column(table.schema.get_field_index("TimeGenerated"), "TimeGenerated", times)
    assert pa.types.is_integer(table.schema.field("EventID").type)
    from_table = masq.detect(table, mode=mode)
    from_file = masq.detect(sample, mode=mode)
    assert len(from_file) > 0
    table_records = frame_records(from_table)
    assert all(s["source"] == "<table>" for r in table_records for s in r["samples"])
    assert any(s["process_id"] is not None for r in table_records for s in r["samples"])
    assert (with_sample_field(table_records, "source", None) ==
            with_sample_field(frame_records(from_file), "source", None))


def test_arrow_stream_object_and_large_strings(real):
    table = pa.Table.from_pylist(read_records(real))
    table = table.cast(pa.schema([pa.field(f.name, pa.large_string()) if pa.types.is_string(f.type) else f
                                  for f in table.schema]))

    class StreamOnly:  # any library's table: only the PyCapsule interface
        def __arrow_c_stream__(self, requested_schema=None):
            return table.__arrow_c_stream__(requested_schema)

    assert (with_sample_field(frame_records(masq.detect(StreamOnly(), mode="seed")), "source", None) ==
            with_sample_field(frame_records(masq.detect(real, mode="seed")), "source", None))


def test_table_without_eventid_takes_every_row():
    names = ["svchost.exe"] * 30 + ["scvhost.exe"] + [f"tool{i}.exe" for i in range(10)]
    frame = pd.DataFrame({"Process": names, "NewProcessName": [f"C:\\Windows\\System32\\{n}" for n in names]})
    found = masq.detect(frame, mode="seed")
    assert ("scvhost.exe", "svchost.exe") in set(zip(found["suspicious_process"], found["normal_process"]))


def test_eventid_filter_on_tables():
    frame = pd.DataFrame({"Process": ["a.exe", "b.exe", "c.exe"], "EventID": [4688, 4624, 4688]})
    assert masq.detect(frame, mode="seed").attrs["summary"]["events"] == 2
    frame["EventID"] = ["4688", "4624", "4688.0"]
    assert masq.detect(frame, mode="seed").attrs["summary"]["events"] == 1


def test_strict_bad_input_raises_with_the_cli_message(masq_bin, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"EventID": 4688, "Process": "a.exe"}\n{"EventID": 4688, "Process": \n')
    with pytest.raises(masq.MasqError) as raised:
        masq.detect(bad, strict=True)
    cli = subprocess.run([masq_bin, "detect", "--strict", str(bad)], capture_output=True, text=True)
    assert cli.returncode != 0
    assert str(raised.value) and str(raised.value) in cli.stderr
    assert "bad.json:2" in str(raised.value)
    # Without strict the line is skipped and reported, as the CLI does.
    lenient = masq.detect(bad)
    assert lenient.attrs["summary"]["problems"] == 1
    assert "bad.json:2" in lenient.attrs["problems"][0]


def test_strict_bad_time_in_a_table_raises():
    frame = pd.DataFrame({"Process": ["a.exe"], "TimeGenerated": ["yesterday"], "EventID": ["4688"]})
    with pytest.raises(masq.MasqError, match="yesterday"):
        masq.detect(frame, strict=True)
    assert masq.detect(frame).attrs["summary"]["problems"] == 1


def test_invalid_arguments_raise_value_error(masq_bin, real):
    with pytest.raises(ValueError, match="mode"):
        masq.detect(real, mode="fast")
    # The core's own check, with its message.
    with pytest.raises(ValueError, match="the similarity threshold must be between 0 and 1"):
        masq.detect(real, mode="seed", similarity_threshold=1.5)
    with pytest.raises(ValueError, match="frequent_threshold"):
        masq.detect(real, mode="seed", frequent_threshold=1.5)
    with pytest.raises(TypeError):
        masq.detect(42)
    with pytest.raises(ValueError, match="column 'Process'"):
        masq.detect(pa.table({"Process": pa.array([1, 2])}))
    with pytest.raises(ValueError, match="allow"):
        masq.detect(real, mode="seed", allow="allow.jsonl")


def test_similarity_known_values():
    assert masq.similarity("svchost", "svchost") == 1.0
    assert masq.similarity("svchost", "scvhost") == pytest.approx(6 / 7)   # one transposition
    assert masq.similarity("ca", "abc") == pytest.approx(1 / 3)            # true DL 2 (OSA would say 3)
    assert masq.similarity("", "") == 1.0 and masq.similarity("abc", "") == 0.0
    assert masq.similarity("svchоst", "svchost") == pytest.approx(6 / 7)   # Cyrillic о: one code point
    assert masq.seed_score("svchost.exe", "scvhost.exe") == pytest.approx(6 / 7, abs=1e-7)
    assert masq.seed_score("svchost", "scvhost") == 0.0                     # no '.': calcDist gives 0.0


def test_similarity_matches_fast_damerau_levenshtein():
    dl = pytest.importorskip("fastDamerauLevenshtein")
    pairs = [("svchost", "scvhost"), ("lsass", "lsas"), ("explorer", "exploer"), ("ca", "abc"),
             ("rundll32", "rundl132"), ("a", "b"), ("conhost", "cohnost")]
    for a, b in pairs:
        assert masq.similarity(a, b) == pytest.approx(dl.damerauLevenshtein(a, b), abs=1e-12), (a, b)


def test_synth_is_deterministic_and_equals_the_cli(masq_bin):
    a = masq.synth(seed=5, start="2024-01-01T00:00:00Z", end="2024-01-02T00:00:00Z")
    b = masq.synth(seed=5, start="2024-01-01T00:00:00Z", end="2024-01-02T00:00:00Z")
    c = masq.synth(seed=6, start="2024-01-01T00:00:00Z", end="2024-01-02T00:00:00Z")
    assert len(a) == 842 and a.equals(b) and not a.equals(c)
    assert a["malicious"].sum() == 42
    cli = subprocess.run([masq_bin, "synth", "--seed", "5", "--start", "2024-01-01T00:00:00Z", "--end",
                          "2024-01-02T00:00:00Z"], capture_output=True, text=True, check=True).stdout
    lines = [json.loads(x) for x in cli.splitlines()]
    assert [(r["Process"], r["NewProcessName"], r["TimeGenerated"]) for r in lines] == \
        list(zip(a["Process"], a["NewProcessName"], a["TimeGenerated"]))
    with pytest.raises(ValueError, match="before"):
        masq.synth(seed=1, start="2024-01-02T00:00:00Z", end="2024-01-01T00:00:00Z")


def test_categorical_and_null_columns_are_read(real):
    """pandas categoricals and all-null columns are cast once (not refused) and give the same findings."""
    frame = pd.DataFrame(read_records(real))
    expected = frame_records(masq.detect(frame, mode="full"))
    frame["Process"] = frame["Process"].astype("category")
    frame["Computer"] = frame["Computer"].astype("category")
    frame["CommandLine"] = None
    assert frame_records(masq.detect(frame, mode="full")) == with_sample_field(expected, "command_line", None)


def test_frame_follows_the_schema_and_options(root):
    """The DataFrame's columns are the schema's (data/schema/finding.tsv) in order, times are UTC
    datetimes, and samples / min_level act as --samples / --min-level."""
    sample = root / "data" / "sample"
    frame = masq.detect(sample)
    assert list(frame.columns) == [f["field"] for f in masq._core.finding_schema()]
    assert str(frame["first_seen"].dtype) == "datetime64[ns, UTC]"
    assert all(1 <= len(s) <= 3 for s in frame["samples"])
    one = masq.detect(sample, samples=1)
    assert all(len(s) == 1 for s in one["samples"])
    high = masq.detect(sample, min_level="high")
    assert 0 < len(high) < len(frame)
    assert set(high["level"]) <= {"high", "critical"}
    assert high.attrs["summary"]["below_level"] == len(frame) - len(high)
    with pytest.raises(ValueError, match="min_level"):
        masq.detect(sample, min_level="severe")


def test_input_without_process_names_warns_and_strict_raises(tmp_path):
    """As the CLI: events without a process name are not a quiet empty result."""
    path = tmp_path / "events.json"
    path.write_text(json.dumps({"EventID": 4688, "Computer": "A", "NewProcessName": "C:\\x\\svch0st.exe",
                                "TimeGenerated": "2020-01-01T00:00:00Z"}) + "\n")
    with pytest.warns(masq.InputWarning, match="no process name"):
        frame = masq.detect(path, mode="seed")  # the notebook's null-name group
    assert len(frame) == 0 and frame.attrs["warnings"]
    with pytest.raises(masq.MasqError, match="no process name"):
        masq.detect(path, mode="seed", strict=True)
    named = masq.detect(path, strict=True)  # full mode names it by its path, as the CLI
    assert list(named["suspicious_process"]) == ["svch0st.exe"]
    with pytest.warns(masq.InputWarning, match="is a process creation"):
        masq.detect(pd.DataFrame({"EventID": [4624], "Process": ["a.exe"]}))


def test_a_frame_without_host_or_time_warns_as_the_cli():
    """A DataFrame read through the Arrow stream counts events without a host or a time, as the
    file readers do: alerts that cannot say where or when are a warning, not a quiet result."""
    frame = pd.DataFrame({"EventID": [4688] * 4, "Process": ["svchost.exe", "svchost.exe", "svch0st.exe", "a.exe"]})
    with pytest.warns(masq.InputWarning) as caught:
        result = masq.detect(frame)
    said = " ".join(str(w.message) for w in caught)
    assert "4 of 4 events have no host" in said and "4 of 4 events have no time" in said, said
    assert any("no host" in w for w in result.attrs["warnings"])
    with pytest.raises(masq.MasqError, match="no host"):
        masq.detect(frame, strict=True)
    complete = frame.assign(Computer="WS1", TimeGenerated="2020-01-01T00:00:00Z")
    with warnings.catch_warnings():
        warnings.simplefilter("error", masq.InputWarning)
        masq.detect(complete)


def test_report_writes_the_page_of_the_cli(root, tmp_path):
    """masq.report: the same page as ``masq detect --report``, with the run's figures kept in attrs."""
    sample = root / "data" / "sample"
    frame = masq.detect(sample)
    path = masq.report(frame, tmp_path / "report.html")
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "</html>" in page
    island = page.split('<script id="masq-data" type="application/json">', 1)[1].split("</script>", 1)[0]
    data = json.loads(island)
    assert [a["suspicious_process"] for a in data["alerts"]] == list(frame["suspicious_process"])
    assert data["run"]["events"] == frame.attrs["summary"]["events"] > 0
    assert data["run"]["distinct_names"] == frame.attrs["summary"]["distinct_names"]
    assert len(data["run"]["curve"]) > 10 and data["run"]["first_seen"]
    # A filtered frame reports its own alerts; a frame without the run still gives a page.
    high = frame[frame["level"].isin(["critical", "high"])]
    assert len(json.loads(masq.report(high).split('type="application/json">', 1)[1].split("</script>")[0])["alerts"]) == len(high)
    bare = frame.copy()
    bare.attrs = {}
    assert "masq-data" in masq.report(bare)


def test_notebook_view_shows_hidden_characters_escaped(tmp_path):
    """In Jupyter, a result's HTML view shows an RLO as <U+202E> and markup as text."""
    events = [{"EventID": 4688, "Computer": f"ws{i % 3}", "Process": "svchost.exe",
               "NewProcessName": "C:\\Windows\\System32\\svchost.exe", "TimeGenerated": "2024-05-01T10:00:00Z"}
              for i in range(30)]
    events.append({"EventID": 4688, "Computer": "ws9", "Process": "invoice\u202efdp.exe",
                   "NewProcessName": "C:\\Users\\Public\\invoice\u202efdp.exe", "TimeGenerated": "2024-05-01T11:00:00Z"})
    events.append({"EventID": 4688, "Computer": "ws9", "Process": "<b>svch0st.exe",
                   "NewProcessName": "C:\\Users\\Public\\<b>svch0st.exe", "TimeGenerated": "2024-05-01T11:00:00Z"})
    path = tmp_path / "events.json"
    path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    frame = masq.detect(path)
    assert "invoice\u202efdp.exe" in set(frame["suspicious_process"])
    view = frame._repr_html_()
    assert "\u202e" not in view and "invoice&lt;U+202E&gt;fdp.exe" in view
    assert "<b>svch0st" not in view
    # pandas operations keep the type and its view; other selections get pandas' own.
    high = frame[frame["level"] != "informational"]
    assert type(high) is type(frame) and "masq-alerts" in high._repr_html_()
    assert "masq-alerts" not in frame[["score"]]._repr_html_()


def test_catalog_files_as_the_cli(tmp_path):
    """catalog= is --catalog: the organisation's own tool is genuine in its folder; a bad row is a
    ValueError naming file, line and field; seed mode refuses it."""
    events = tmp_path / "events.jsonl"
    rows = [{"EventID": 4688, "Computer": f"ws{i % 4}", "Process": "svchost.exe",
             "NewProcessName": "C:\\Windows\\System32\\svchost.exe", "TimeGenerated": "2024-05-01T10:00:00Z"}
            for i in range(60)]
    rows += [{"EventID": 4688, "Computer": "ws9", "Process": "svchast.exe",
              "NewProcessName": "D:\\Apps\\Contoso\\svchast.exe", "TimeGenerated": "2024-05-01T11:00:00Z"}]
    events.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert "svchast.exe" in set(masq.detect(events)["suspicious_process"])
    ours = tmp_path / "ours.tsv"
    ours.write_text("name\tfolder\tkind\tsource\nsvchast.exe\tD:\\Apps\\Contoso\\\tapplication\tIT\n")
    assert "svchast.exe" not in set(masq.detect(events, catalog=ours)["suspicious_process"])
    assert "svchast.exe" not in set(masq.detect(events, catalog=[ours])["suspicious_process"])
    bad = tmp_path / "bad.tsv"
    bad.write_text("name\tfolder\tkind\tsource\nSVCHAST.EXE\tD:\\Apps\\\tapplication\tIT\n")
    with pytest.raises(ValueError, match=r"bad.tsv:2: field 'name'"):
        masq.detect(events, catalog=bad)
    with pytest.raises(ValueError, match="full mode only"):
        masq.detect(events, mode="seed", catalog=ours)
