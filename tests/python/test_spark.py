# SPDX-License-Identifier: MIT
"""masq.spark.detect on a real local[2] Spark session against the CLI, and against the notebook."""
import pathlib

import pytest

pyspark = pytest.importorskip("pyspark")
from pyspark.sql import types as T  # noqa: E402

import masq  # noqa: E402
from masq import spark as masq_spark  # noqa: E402
from masq_helpers import assert_same_findings as assert_same_records  # noqa: E402
from masq_helpers import cli_findings, local_spark, with_sample_field  # noqa: E402

MODES = ["seed", "full"]
# The Sentinel export's columns as strings, as the notebook reads them (plus the context columns).
SCHEMA = T.StructType([T.StructField(c, T.StringType()) for c in
                       ["EventID", "Process", "NewProcessName", "Computer", "TimeGenerated",
                        "ParentProcessName", "OriginalFileName", "SubjectUserName", "CommandLine", "Hashes",
                        "NewProcessId", "ProcessId", "EventRecordId"]])


def assert_same_findings(spark_records, cli_records):
    """Spark's alerts equal the CLI's; a sample event's file is Spark's URI of the same file, and
    Spark does not know its line."""
    for r in spark_records:
        for sample in r["samples"]:
            assert sample["line"] is None
            assert sample["source"] is None or sample["source"].startswith("file:")
    for r, c in zip(spark_records, cli_records):
        for a, b in zip(r["samples"], c["samples"]):
            if a["source"] is not None:
                assert a["source"].endswith("/" + pathlib.Path(b["source"]).name)
    located = [with_sample_field(with_sample_field(records, "source", None), "line", None)
               for records in (spark_records, cli_records)]
    assert_same_records(located[0], [microseconds(r) for r in located[1]])


def microseconds(record):
    """A CLI record with its times cut to Spark's TimestampType (microseconds; masq keeps 100 ns)."""
    import pandas as pd

    def cut(text):
        return None if text is None else masq.time_text(pd.Timestamp(text).floor("us"))
    out = {**record, "first_seen": cut(record["first_seen"]), "last_seen": cut(record["last_seen"])}
    out["samples"] = [{**s, "time": cut(s["time"])} for s in record["samples"]]
    return out


@pytest.fixture(scope="module")
def spark():
    session = local_spark("masq-tests", **{
        "spark.sql.shuffle.partitions": "4",
        "spark.driver.extraJavaOptions": "-Duser.language=en -Duser.country=US",
    })
    yield session
    session.stop()


def spark_findings(spark, paths, mode, **options):
    df = spark.read.json([str(p) for p in paths], schema=SCHEMA)
    found = masq_spark.detect(df, mode=mode, **options)
    assert [f.name for f in found.schema.fields] == masq.FINDING_FIELDS
    # collect() keeps the order the findings were created in: the CLI's order.
    return [r.asDict(recursive=True) for r in found.collect()]


@pytest.mark.parametrize("mode", MODES)
def test_sample_equals_cli(spark, masq_bin, root, mode):
    sample = root / "data" / "sample" / "securityevent-sample.json.gz"
    found = spark_findings(spark, [sample], mode)
    assert found
    assert_same_findings(found, cli_findings(masq_bin, [sample], mode))


@pytest.mark.parametrize("mode", MODES)
def test_real_events_equal_cli(spark, masq_bin, shared, mode):
    real = shared / "data" / "real" / "real_process_events.jsonl"
    found = spark_findings(spark, [real], mode)
    assert found
    assert_same_findings(found, cli_findings(masq_bin, [real], mode))


@pytest.mark.parametrize("mode", MODES)
def test_generated_equals_cli(spark, masq_bin, generated, mode):
    assert_same_findings(spark_findings(spark, [generated], mode), cli_findings(masq_bin, [generated], mode))


def test_synthetic_injection_equals_cli(spark, masq_bin, root):
    sample = root / "data" / "sample" / "securityevent-sample.json.gz"
    found = spark_findings(spark, [sample], "seed", inject_synthetic=True, seed=42)
    assert any(f["involves_synthetic"] for f in found)
    assert_same_findings(found, cli_findings(masq_bin, [sample], "seed", "--inject-synthetic", "--seed", "42"))


def test_seed_mode_equals_the_notebook(spark, generated):
    """The notebook's own cells (tests/parity/notebook_seed.py) on the same session and data."""
    pytest.importorskip("fastDamerauLevenshtein")
    import notebook_seed
    expected = notebook_seed.flagged_triples(spark, [str(generated)], 0.8, 0.2, 0.85)
    df = spark.read.json(str(generated), schema=SCHEMA)
    found = masq_spark.detect(df, mode="seed").collect()
    got = sorted([r.normal_process, r.suspicious_process, notebook_seed.float32_bits(r.score)] for r in found)
    assert expected and got == expected


def test_timestamp_and_integer_columns(spark, masq_bin, shared):
    """TimeGenerated as a Spark timestamp and EventID as an integer give the same findings."""
    from pyspark.sql import functions as F
    real = shared / "data" / "real" / "real_process_events.jsonl"
    df = (spark.read.json(str(real), schema=SCHEMA)
          .withColumn("TimeGenerated", F.to_timestamp("TimeGenerated"))
          .withColumn("EventID", F.col("EventID").cast("int")))
    found = [r.asDict(recursive=True) for r in masq_spark.detect(df, mode="full").collect()]
    assert_same_findings(found, cli_findings(masq_bin, [real], "full"))


def test_events_of_findings(spark, shared):
    real = shared / "data" / "real" / "real_process_events.jsonl"
    df = spark.read.json(str(real), schema=SCHEMA)
    findings = masq_spark.detect(df, mode="seed")
    events = masq_spark.events_of(df, findings)
    rows = events.collect()
    assert len(rows) == sum(r.suspicious_count for r in findings.collect())
    assert {r.Process.lower() for r in rows} == {r.suspicious_process for r in findings.collect()}
    plan = events._jdf.queryExecution().executedPlan().toString()
    assert "BroadcastHashJoin" in plan and "CartesianProduct" not in plan


def test_no_process_column_raises(spark):
    df = spark.createDataFrame([("4688", "x")], ["EventID", "Image"])
    with pytest.raises(ValueError, match="Process"):
        masq_spark.detect(df)


def test_allow_list_with_host_rule_equals_cli(spark, masq_bin, shared, tmp_path):
    """Spark fetches hosts only for flagged names; an allow-list rule naming a host still applies."""
    import json
    real = shared / "data" / "real" / "real_process_events.jsonl"
    first = cli_findings(masq_bin, [real], "full")[0]
    allow = tmp_path / "allow.jsonl"
    allow.write_text(json.dumps({"name": first["suspicious_process"], "host": first["hosts"][0]["host"],
                                 "reason": "reviewed"}) + "\n")
    cli = cli_findings(masq_bin, [real], "full", "--allow", str(allow))
    assert len(cli) < len(cli_findings(masq_bin, [real], "full"))
    assert_same_findings(spark_findings(spark, [real], "full", allow=str(allow)), cli)
    python = masq.detect(real, mode="full", allow=allow)
    assert len(python) == len(cli)
