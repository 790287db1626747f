# SPDX-License-Identifier: MIT
"""Writes examples/masquerading_process_names.ipynb (run from the repository root); edit here, not in the .ipynb."""
import nbformat as nbf
nb = nbf.v4.new_notebook()
md, code = nbf.v4.new_markdown_cell, nbf.v4.new_code_cell
cells = [
md("""# Masquerading process names, with masq

This notebook follows Microsoft Sentinel's *Masquerading Process Name Anomaly* notebook step by
step — load the process-creation events, add the synthetic examples, split names into frequent and
infrequent, compare them by Damerau–Levenshtein similarity, look at the paths, send the results —
with `masq`'s C++ core doing the work instead of a cross join and a Python UDF.

It runs as is on the sample bundled with masq (`data/sample/`, real events from public attack
datasets). Point `EVENTS` at your own Log Analytics export (a file, a `y=/m=/d=` folder tree, or an
`https://…blob.core.windows.net/…` URL) to run it on your data."""),
code("""import os, pathlib, tempfile
import pandas as pd
import masq

pd.set_option("display.max_colwidth", 80)
EVENTS = pathlib.Path(os.environ.get("MASQ_EVENTS", "../data/sample/securityevent-sample.json.gz")).resolve()
print("masq", masq.__version__, "reading", EVENTS)"""),
md("""## 1. Load the events

The notebook reads the `SecurityEvent` export with Spark and keeps `EventID == 4688`. Here the export
is read into pandas (any DataFrame or Arrow table works: masq reads its string columns in place),
and `masq.detect` does the filtering."""),
code("""events = pd.read_json(EVENTS, lines=True, dtype=False)
events = events[["TimeGenerated", "EventID", "Computer", "Process", "NewProcessName", "ParentProcessName"]]
print(f"{len(events):,} events, {events['Process'].str.lower().nunique():,} distinct process names")
events.head()"""),
md("""## 2. Synthetic injection

The notebook adds hard-coded events — 20 of each of 40 well-known processes, plus one misspelled
copy of each from `C:\\\\Windows\\\\Temp\\\\` — so that there is always something to find. It draws them
with Python's unseeded `random`; `masq.synth` draws the same shapes from a seeded generator, so a
run can be repeated."""),
code("""synthetic = masq.synth(seed=42, start="2019-01-15T00:00:00Z", end="2019-01-16T00:00:00Z")
print(len(synthetic), "synthetic events,", int(synthetic["malicious"].sum()), "of them misspelled")
synthetic[synthetic["malicious"]].head(8)"""),
md("""## 3. Frequent and infrequent names

Names are counted after lower-casing, and ranked with Spark's `percent_rank` over the counts: a
name at or above 0.8 is *frequent* (what a masquerader imitates), below 0.2 *infrequent* (where a
masquerader hides). The same ranking in pandas, for a look:"""),
code("""counts = pd.concat([events["Process"], synthetic["Process"]]).str.lower().value_counts()
rank = (counts.rank(method="min") - 1) / (len(counts) - 1)   # percent_rank: ties share the lowest rank
profile = pd.DataFrame({"count": counts, "percent_rank": rank})
frequent, infrequent = profile[profile.percent_rank >= 0.8], profile[profile.percent_rank < 0.2]
print(f"{len(frequent)} frequent, {len(infrequent)} infrequent: "
      f"{len(frequent) * len(infrequent):,} pairs in the notebook's cross join")
profile.head()"""),
md("""## 4. Similarity

The notebook scores every (frequent, infrequent) pair with `fastDamerauLevenshtein` (after removing
a shared extension) and flags scores above 0.85. `masq.similarity` is the same function;
`masq.seed_score` adds the notebook's extension rule and its float32 score."""),
code("""for a, b in [("svchost", "scvhost"), ("svchost", "svch0st"), ("lsass", "lsas"), ("explorer", "iexplore")]:
    print(f"{a:10} {b:10} similarity {masq.similarity(a, b):.4f}   notebook score {masq.seed_score(a + '.exe', b + '.exe'):.8f}")"""),
md("""`mode="seed"` is the notebook's rule exactly. With the synthetic events, findings split into the
notebook's two tables: *your anomalies* and the *hard-coded examples*."""),
code("""seed = masq.detect(events, mode="seed", inject_synthetic=True, seed=42)
print(seed.attrs["summary"])
yours = seed[seed.in_user_data]
examples = seed[seed.involves_synthetic]
print(f"Your anomalies: {len(yours)}; hard-coded examples: {len(examples)}")
yours[["suspicious_process", "normal_process", "score", "suspicious_count", "normal_count", "hosts"]]"""),
code("""# The seed findings on this data must be the notebook's: one look-alike of svchost.exe.
assert list(yours.suspicious_process) == ["suchost.exe"], list(yours.suspicious_process)
assert len(examples) > 0 and examples.normal_process.isin(synthetic.Process.str.lower()).all()
examples[["suspicious_process", "normal_process", "score"]].head(10)"""),
md("""## 5. Paths, and what the notebook misses

The notebook shows each flagged name's paths. `mode="full"` (the CLI's default) goes further: Windows
binaries in the wrong folder, confusable characters (`svchоst.exe` with a Cyrillic о), right-to-left
overrides, double extensions, renamed binaries — each with a reason."""),
code("""full = masq.detect(events, mode="full")
print(full.detector.value_counts().to_string())
full.head(12)  # masq's own view: hidden characters shown as <U+202E>, never applied"""),
md("""The same alerts as one self-contained HTML page (summary, the per-name count curve with the
notebook's thresholds, a table that sorts and filters, a card per alert) to open in a browser or
attach to a ticket:"""),
code("""page = masq.report(full, pathlib.Path(tempfile.mkdtemp()) / "masq-report.html")
print("report written:", page, f"({page.stat().st_size:,} bytes)")"""),
code("""wrong_folder = full[full.detector == "path"]
assert "lsass.exe" in set(wrong_folder.suspicious_process)
for _, f in wrong_folder.head(3).iterrows():
    print(f.suspicious_process, "->", [p["path"] for p in f.suspicious_paths])"""),
md("""## 6. The same on Spark

On Synapse, Databricks or Fabric the events are a Spark DataFrame. `masq.spark.detect` aggregates
them in Spark (one pass, grouped by `lower(Process)`), collects the distinct-name profile and runs
the matching in C++ on the driver: no cross join, no Python UDF. The findings are a Spark DataFrame."""),
code("""try:
    from pyspark.sql import SparkSession
except ImportError:
    SparkSession = None
if SparkSession is not None:
    import sys
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from masq import spark as masq_spark
    spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
             .config("spark.sql.shuffle.partitions", "4").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    sdf = spark.read.json(str(EVENTS), schema="EventID string, Process string, NewProcessName string, "
                                              "Computer string, TimeGenerated string, ParentProcessName string")
    spark_findings = masq_spark.detect(sdf, mode="full")
    spark_findings.select("detector", "suspicious_process", "normal_process", "score").show(5, truncate=False)
    assert [r.suspicious_process for r in spark_findings.collect()] == list(full.suspicious_process)
    flagged = masq_spark.events_of(sdf, spark_findings.where("detector = 'name-similarity'"))
    flagged.select("TimeGenerated", "Computer", "NewProcessName").show(truncate=False)
    spark.stop()"""),
md("""## 7. Send

The notebook posts its results to Log Analytics with the HTTP Data Collector API, which Microsoft
retired on 2026-09-14. `masq.send` uses its successor, the Logs Ingestion API (a data collection
endpoint and rule, and an Entra ID application: see `docs/sentinel.md` and the Bicep template in
`deploy/sentinel/`), through the same C++ sink as `masq send`: batches of at most 1 MB, gzip,
retries with backoff, and a spool on disk for what cannot be delivered (`masq.send(resume=True)`).

With `MASQ_DCE_ENDPOINT`, `MASQ_DCR_IMMUTABLE_ID`, `AZURE_TENANT_ID`, `AZURE_CLIENT_ID` and
`AZURE_CLIENT_SECRET` set, the cell sends to your workspace. Without them it sends to the local
stand-in the tests use (`tests/support/sentinel_server.py`), which checks the protocol the way the
service does."""),
code("""import sys
spool = pathlib.Path(tempfile.mkdtemp()) / "spool"
if os.environ.get("MASQ_DCE_ENDPOINT"):
    report = masq.send(full, mode="full", spool=spool)
else:
    sys.path.insert(0, str(pathlib.Path("../tests/support").resolve()))
    from sentinel_server import SentinelServer
    with SentinelServer() as stand_in:
        report = masq.send(full, mode="full", spool=spool, endpoint=stand_in.url, dcr=stand_in.dcr,
                           tenant_id=stand_in.tenant, client_id=stand_in.client_id,
                           client_secret=stand_in.client_secret, authority_host=stand_in.url)
        received = stand_in.delivered_records()
    print(f"the stand-in received {len(received)} records; the first:")
    print({k: received[0][k] for k in ("TimeGenerated", "Detector", "SuspiciousProcess", "NormalProcess", "Score")})
print({k: report[k] for k in ("records", "delivered", "batches", "retries", "spooled")})
assert report["delivered"] == len(full)"""),
]
nb["cells"] = cells
nb["metadata"]["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
nbf.write(nb, "examples/masquerading_process_names.ipynb")
