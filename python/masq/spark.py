# SPDX-License-Identifier: MIT
"""masq on Spark: files read by masq's C++ reader on the executors, or a DataFrame aggregated in
Spark; the matching in masq's C++ core on the driver.

    from masq import spark as masq_spark
    findings = masq_spark.detect_files(spark, ["/data/export/"], mode="full")   # files: fastest
    findings = masq_spark.detect(events_df, mode="seed")      # a Spark DataFrame
    flagged_events = masq_spark.events_of(events_df, findings)

`detect_files` does on a cluster what `masq detect` does on threads: the driver plans the read
tasks as the CLI's reader does (each file, and large JSON-lines files in byte ranges), the
executors read them with masq's C++ reader (every format the CLI reads) into partial profiles and
send their bytes back, and the driver merges them as the CLI merges its threads' profiles, so the
findings — samples' files and lines included — are the CLI's. Spark only moves files' names and
profiles; no event becomes a Spark row. The executors need the masq package (docs/python.md, "Shipping masq to the executors").

`detect` does what the notebook does with its events — filter EventID 4688, group by
`lower(Process)` — but in one pass over the events with GROUPING SETS (hash aggregation), which
yields only the distinct-variant profile: per (name, path, parent, original file name) its count
and first/last time, and the fleet's distinct hosts. That profile grows with distinct variants,
not events; it is collected (Arrow) to the driver, where the C++ core ranks it, matches it and
writes the alerts. The context of the flagged names (hosts per variant, the first events of each
variant as samples) is then gathered in Spark from the events filtered by a broadcast of those
names, so every alert counts its hosts, times and events over its own evidence as the CLI does.
There is no cross join and no Python UDF: the notebook compares every frequent name with every
rare one in a Python UDF; masq's similarity join does it in C++ with an index. The alerts come
back as a Spark DataFrame with the fields of `masq detect --format jsonl`; `events_of`
broadcast-joins them to the events for drill-down.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
from typing import Optional

from . import FINDING_SCHEMA, SAMPLE_SCHEMA, _core, _detect_profile, _say_warnings, findings_frame

__all__ = ["detect", "detect_files", "profile", "events_of", "findings_schema"]

def _spark_type(kind: str, key: str = "value"):
    """The Spark type of a schema type (data/schema/finding.tsv and sample.tsv)."""
    from pyspark.sql import types as T

    if kind in ("string", "string?", "level"):
        return T.StringType()
    if kind == "real":
        return T.DoubleType()  # a float32 score is exact as a double
    if kind in ("int", "int?"):
        return T.LongType()
    if kind == "bool":
        return T.BooleanType()
    if kind == "time?":
        return T.TimestampType()
    if kind == "counts":
        return T.ArrayType(T.StructType([T.StructField(key, T.StringType()), T.StructField("count", T.LongType())]))
    if kind == "detections":
        return T.ArrayType(T.StructType([T.StructField("detector", T.StringType()),
                                         T.StructField("technique", T.StringType()),
                                         T.StructField("score", T.DoubleType()),
                                         T.StructField("reason", T.StringType())]))
    if kind == "samples":
        return T.ArrayType(T.StructType([T.StructField(f["field"], _spark_type(f["type"])) for f in SAMPLE_SCHEMA]))
    raise ValueError(f"no Spark type for the schema type {kind!r}")


def findings_schema():
    """The Spark schema of a findings DataFrame: the finding schema's fields (FINDING_SCHEMA), in
    the order of `masq detect -f jsonl`; times are timestamps (UTC)."""
    from pyspark.sql import types as T

    return T.StructType([T.StructField(f["field"], _spark_type(f["type"], f["key"])) for f in FINDING_SCHEMA])


def _spark_row(finding: dict) -> tuple:
    """One JSON finding as a row of findings_schema(): ISO times become datetimes, reals floats
    (JSON writes a whole score as 0)."""
    def value(kind, v):
        if v is None:
            return None
        if kind == "time?":  # masq writes UTC with a Z; Spark keeps microseconds
            return _dt.datetime.fromisoformat(v[:26].rstrip("Z") + "+00:00" if len(v) > 27 else v)
        if kind == "real":
            return float(v)
        if kind == "detections":
            return [{**d, "score": float(d["score"])} for d in v]
        if kind == "samples":
            return [{f["field"]: value(f["type"], sample.get(f["field"])) for f in SAMPLE_SCHEMA} for sample in v]
        return v

    return tuple(value(f["type"], finding.get(f["field"])) for f in FINDING_SCHEMA)


def _ticks(df):
    """TimeGenerated as masq's 100 ns ticks (a long, so that Spark's hash aggregation does min/max),
    or None when the DataFrame has no TimeGenerated."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    if "TimeGenerated" not in df.columns:
        return None
    column = F.col("TimeGenerated")
    if isinstance(df.schema["TimeGenerated"].dataType, (T.TimestampType, T.TimestampNTZType)):
        return F.unix_micros(column.cast("timestamp")) * 10
    text = column.cast("string")
    # Microseconds from Spark's parser (it applies the zone and truncates past the 6th fraction
    # digit), the 7th digit from the text, as the export writes it; no regular expression per row.
    dot = F.instr(text, ".")
    seventh = F.coalesce(F.when(dot > 0, text.substr(dot + 7, F.lit(1)).cast("int")), F.lit(0))
    return F.unix_micros(text.cast("timestamp")) * 10 + seventh


def _events(df):
    """The 4688 events of `df` with the lower-cased name; raises ValueError without a Process column."""
    from pyspark.sql import functions as F

    if "Process" not in df.columns:
        raise ValueError("masq.spark.detect: the DataFrame has no Process column")
    events = df
    if "EventID" in df.columns:
        # The notebook: EventID == "4688" on a string column (an integer column casts to the same string).
        events = events.where(F.col("EventID").cast("string") == F.lit("4688"))
    return events.withColumn("_masq_name", F.lower(F.col("Process")))  # the notebook's lower(), in the JVM


def _variant_columns(df):
    """The event's variant (profile.h, `variant_key`) as the readers normalise it: the path as
    logged, the parent (an empty one is none), the PE original name (empty or "-" is none)."""
    from pyspark.sql import functions as F

    def text(column):
        return F.col(column).cast("string") if column in df.columns else F.lit(None).cast("string")

    parent, original = text("ParentProcessName"), text("OriginalFileName")
    return [text("NewProcessName").alias("path"),
            F.when(parent != "", parent).alias("parent"),
            F.when((original != "") & (original != "-"), original).alias("original")]


_VARIANT = ["name", "path", "parent", "original"]


def _aggregate(df):
    """One Spark job over the events: per (lower-cased name, variant) the event count and first
    and last time in ticks, as a pandas DataFrame, and the fleet's distinct hosts (None without a
    Computer column).

    Hosts are left out because (variant, host) pairs are most of a fleet's profile and only the
    flagged names' hosts are shown; the (Computer) grouping set counts the fleet's hosts."""
    from pyspark.sql import functions as F

    ticks = _ticks(df)
    selected = [F.col("_masq_name").alias("name"), *_variant_columns(df),
                (ticks if ticks is not None else F.lit(None).cast("long")).alias("t")]
    has_hosts = "Computer" in df.columns
    if has_hosts:
        selected.append(F.col("Computer").cast("string").alias("Computer"))
    view = _events(df).select(*selected)
    # GROUPING SETS: one scan of the events for the variants and the fleet's hosts.
    sets = ["(name, path, parent, original)"] + (["(Computer)"] if has_hosts else [])
    spark = df.sparkSession
    tmp = f"masq_events_{os.getpid()}_{id(view)}"
    view.createOrReplaceTempView(tmp)
    try:
        agg = spark.sql("SELECT grouping(name) AS g_name, name, path, parent, original, "
                        + ("Computer, count(name) AS named, " if has_hosts else "")
                        + f"count(*) AS count, string(min(t)) AS first, string(max(t)) AS last FROM {tmp} "
                        f"GROUP BY GROUPING SETS ({', '.join(sets)})")
        rows = _to_pandas(agg)
    finally:
        spark.catalog.dropTempView(tmp)
    total_hosts = None
    if has_hosts:
        # As the CLI counts them: distinct hosts of events that have a name.
        host_rows = rows[rows["g_name"] == 1]
        total_hosts = int(((host_rows["named"] > 0) & host_rows["Computer"].notna()).sum())
        rows = rows[rows["g_name"] == 0]
    return rows, total_hosts


def _flagged_events(df, names):
    """The events of the lower-cased `names` (few: a broadcast), with their file and place in it."""
    from pyspark.sql import functions as F

    spark = df.sparkSession
    wanted = spark.createDataFrame([(n,) for n in sorted(names)], "_masq_flagged string")
    # input_file_name() only knows the file at the scan, so it is taken before the filter and join.
    located = df.withColumn("_masq_file", F.input_file_name()).withColumn("_masq_id", F.monotonically_increasing_id())
    return _events(located).join(F.broadcast(wanted), F.col("_masq_name") == F.col("_masq_flagged"), "left_semi")


def _add_context(df, prof, names, imitated, samples: int):
    """Adds the hosts of each variant of `names` and `imitated` (an alert counts the imitated
    name's hosts too), and the first `samples` events of each variant of `names`, to the profile,
    counted and chosen in Spark: the events in input order (file, then place in it), as the readers
    choose them. Spark does not know an event's line, so a sample has its file but no line."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    if not names:
        return
    events = (_flagged_events(df, set(names) | set(imitated)).select("*", *_variant_columns(df))
              .withColumnRenamed("_masq_name", "name"))
    if "Computer" in df.columns:
        pairs = (events.where(F.col("Computer").isNotNull())
                 .groupBy(*_VARIANT, F.col("Computer").cast("string").alias("host")).count())
        rows = _to_pandas(pairs)
        if len(rows):
            prof.add_variant_hosts(*(_optional(rows[c]) for c in _VARIANT), rows["host"].tolist(),
                                   [int(c) for c in rows["count"]])
    if samples <= 0:
        return
    ticks = _ticks(df)

    def text(column):
        return F.col(column).cast("string") if column in df.columns else F.lit(None).cast("string")

    order = Window.partitionBy(*_VARIANT).orderBy("_masq_file", "_masq_id")
    events = events.where(F.col("name").isin(sorted(names)))
    first = (events.withColumn("_masq_rank", F.row_number().over(order)).where(F.col("_masq_rank") <= samples)
             .select(*_VARIANT, F.col("_masq_file").alias("file"), F.col("_masq_id").alias("place"),
                     # ticks as text: a long with nulls would reach pandas as a lossy float
                     (ticks if ticks is not None else F.lit(None).cast("long")).cast("string").alias("time"),
                     text("Computer").alias("host"), text("SubjectUserName").alias("user"),
                     text("CommandLine").alias("command_line"), text("Hashes").alias("hashes"),
                     text("NewProcessId").alias("process_id"), text("ProcessId").alias("parent_process_id"),
                     text("EventRecordId").alias("record_id")))
    rows = _to_pandas(first).sort_values(["file", "place"], kind="stable")

    def none(v):  # as the readers: empty or "-" is none
        return None if v is None or (isinstance(v, float) and v != v) or v in ("", "-") else v

    def ident(v):  # 4688 writes ids in hexadecimal ("0x1a4"), Sysmon in decimal
        v = none(v)
        if v is None:
            return None
        try:
            return int(v, 16) if v[:2].lower() == "0x" else int(v)
        except ValueError:
            return None

    records = []
    for place, r in enumerate(rows.itertuples(index=False), start=1):
        # The path, parent and original name are the variant's (the columns passed beside).
        records.append({"time": None if none(r.time) is None else int(r.time), "host": none(r.host),
                        "user": none(r.user), "command_line": none(r.command_line),
                        "hashes": none(r.hashes), "process_id": ident(r.process_id),
                        "parent_process_id": ident(r.parent_process_id), "record_id": ident(r.record_id),
                        "source": r.file or None, "line": None, "order": place})
    if records:
        prof.add_variant_samples(*(_optional(rows[c]) for c in _VARIANT), records)


def _optional(values):
    """A pandas column as a list with None for missing values."""
    import pandas as pd

    return [None if v is None or (isinstance(v, float) and pd.isna(v)) else v for v in values]


def _to_pandas(df):
    """Collects through Arrow (much faster than pickled Rows for a large profile)."""
    spark = df.sparkSession
    key = "spark.sql.execution.arrow.pyspark.enabled"
    old = spark.conf.get(key, "false")
    spark.conf.set(key, "true")
    try:
        return df.toPandas()
    finally:
        spark.conf.set(key, old)


def profile(df, strict: bool = False, samples: int = 3):
    """The masq._core.Profile of a Spark DataFrame of process events, aggregated in Spark per
    name and variant, without hosts or samples, and the fleet's distinct hosts (None without a
    Computer column)."""
    import pandas as pd

    rows, total_hosts = _aggregate(df)
    prof = _core.Profile(strict, int(samples))
    prof.add_variants(*(_optional(rows[c]) for c in _VARIANT), [int(c) for c in rows["count"]],
                      [None if v is None or pd.isna(v) else int(v) for v in rows["first"]],
                      [None if v is None or pd.isna(v) else int(v) for v in rows["last"]])
    return prof, total_hosts


def detect(df, mode: str = "full", *, frequent_threshold: float = 0.8, infrequent_threshold: float = 0.2,
           similarity_threshold: float = 0.85, inject_synthetic: bool = False, seed: Optional[int] = None,
           allow=None, max_paths: int = 10, max_hosts: int = 10, threads: int = 0, as_pandas: bool = False,
           samples: int = 3, min_level: Optional[str] = None):
    """Findings of a Spark DataFrame of process events (Sentinel columns: Process, NewProcessName,
    Computer, TimeGenerated, EventID, optional ParentProcessName, OriginalFileName), equal to
    `masq detect` on the same events. Returns a Spark DataFrame with findings_schema() (or the
    pandas DataFrame when as_pandas=True); `mode` and the options are those of masq.detect. A
    sample event has its file (`source`) but no line: Spark does not know it."""
    _core.check_options(mode, float(frequent_threshold), float(infrequent_threshold), float(similarity_threshold),
                        "", allow is not None)
    prof, total_hosts = profile(df, samples=samples)
    if inject_synthetic:
        prof.inject_synthetic(int(seed) if seed is not None else int.from_bytes(os.urandom(8), "little"))

    def run(allow_list):
        return _detect_profile(prof, mode, frequent_threshold, infrequent_threshold, similarity_threshold,
                               False, None, allow_list, max_paths, max_hosts, threads, total_hosts,
                               samples=samples, min_level=min_level)

    # Hosts and samples are context: no detector decides on them, but an allow-list rule may name
    # hosts and a --min-level may hide what the allow-list would keep. So the flagged names are
    # found without either, their hosts and first events fetched, and detection run again with
    # both, each alert listing its hosts and samples as the CLI does.
    result = _detect_profile(prof, mode, frequent_threshold, infrequent_threshold, similarity_threshold, False,
                             None, None, max_paths, max_hosts, threads, total_hosts, samples=0, min_level=None)
    alerts = [json.loads(line) for line in result["findings_jsonl"].splitlines() if line]
    _add_context(df, prof, {a["suspicious_process"] for a in alerts},
                 {a["normal_process"] for a in alerts if a.get("normal_process")}, samples)
    result = run(allow)
    if as_pandas:
        return findings_frame(result)
    records = [_spark_row(json.loads(line)) for line in result["findings_jsonl"].splitlines() if line]
    return df.sparkSession.createDataFrame(records, schema=findings_schema())


def events_of(df, findings, which: str = "suspicious_process"):
    """The events of `df` whose lower-cased Process is a finding's `which` name: the findings (few)
    are broadcast to every executor, so the events are never shuffled."""
    from pyspark.sql import functions as F

    names = findings.select(F.col(which).alias("_masq_name")).distinct()
    return (df.join(F.broadcast(names), F.lower(F.col("Process")) == F.col("_masq_name"), "inner")
            .drop("_masq_name"))


def _part_reader(input_format: str, samples: int, name_from_path: bool):
    """The function the executors run: (index, [(file index, path, begin, end), …]) in — a group
    of consecutive read tasks — and (index, its partial profile's bytes) out. A closure, so Spark
    ships it by value and an executor without masq gets this message rather than a bare
    unpickling error."""
    def read(groups):
        import importlib

        try:
            core = importlib.import_module("masq._core")
        except ImportError as e:
            import socket
            import sys

            raise RuntimeError(
                f"masq.spark.detect_files: the executor's Python ({sys.executable} on {socket.gethostname()}) "
                f"cannot import masq's native module masq._core ({e}). Ship masq with the job: "
                "spark.archives with a packed environment (venv-pack or conda-pack) and "
                "spark.pyspark.python pointing into it, or --py-files with masq's wheel; see "
                "docs/python.md, \"Shipping masq to the executors\"") from None
        for index, tasks in groups:
            yield index, core.read_parts([(path, begin, end) for _, path, begin, end in tasks], input_format,
                                         samples, name_from_path)

    return read


def _groups(tasks, n: int):
    """The read tasks in at most `n` groups of consecutive tasks of about equal bytes: one Spark
    task reads a group into one profile (as one of the CLI's threads reads its tasks), so the
    driver merges `n` partial profiles, not one per file."""
    sizes = [t[4] for t in tasks]
    total = sum(sizes) or 1
    groups, current, done = [], [], 0
    for task, size in zip(tasks, sizes):
        current.append(task[:4])
        done += size
        if len(groups) < n - 1 and done * n >= total * (len(groups) + 1):
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def _local_paths(paths):
    """Absolute paths (the executors run in their own working folders); URLs as given."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    out = []
    for p in paths:
        p = os.fspath(p)
        if p == "-":
            raise ValueError("masq.spark.detect_files: standard input cannot be read on executors")
        out.append(p if "://" in p else os.path.abspath(p))
    return out


def detect_files(spark, paths, mode: str = "full", *, frequent_threshold: float = 0.8,
                 infrequent_threshold: float = 0.2, similarity_threshold: float = 0.85,
                 inject_synthetic: bool = False, seed: Optional[int] = None, allow=None, max_paths: int = 10,
                 max_hosts: int = 10, threads: int = 0, as_pandas: bool = False, samples: int = 3,
                 min_level: Optional[str] = None, strict: bool = False, input_format: str = "auto",
                 detectors: Optional[str] = None, catalog=None, parallelism: Optional[int] = None,
                 min_range: Optional[int] = None):
    """Findings of process-creation logs — files, export folder trees or Azure Blob URLs, as
    `masq detect` takes them — read by masq's C++ reader on the Spark executors; equal to `masq
    detect` on the same files, samples' `source` (the absolute path) and `line` included.

    The driver expands `paths` and plans the read tasks as the CLI's reader does for
    `parallelism` threads (default: Spark's default parallelism): each file, and a large
    JSON-lines file in byte ranges of at least `min_range` bytes (default 8 MiB, the CLI's). The
    tasks go to `parallelism` Spark tasks in groups of consecutive tasks of about equal size; each
    reads its group into one partial profile (counts, hosts, times and first events per name and
    variant) and returns its bytes; the driver merges them in input order, so samples are the first events by file and line and
    problems are reported as `file:line: …`. Paths must name the same files on every executor (a
    shared or distributed file system; Blob URLs read with the executors' AZURE_STORAGE_*).

    Options are those of `detect` and `masq.detect` (`strict` raises MasqError at the first input
    problem, and when the input gives the detectors nothing; otherwise an InputWarning). Returns a
    Spark DataFrame with findings_schema(), or the pandas DataFrame of masq.detect when
    as_pandas=True (its .attrs carry the summary, problems and warnings).
    """
    _core.check_options(mode, float(frequent_threshold), float(infrequent_threshold), float(similarity_threshold),
                        detectors or "", allow is not None)
    sc = spark.sparkContext
    parallelism = int(parallelism or sc.defaultParallelism)
    prof = _core.Profile(strict, int(samples))
    tasks = prof.plan_files(_local_paths(paths), parallelism, input_format, int(min_range or 0))
    if tasks:
        groups = _groups(tasks, parallelism)
        reader = _part_reader(input_format, int(samples), mode == "full")  # as the CLI
        parts = dict(sc.parallelize(list(enumerate(groups)), len(groups)).mapPartitions(reader).collect())
        for index, group in enumerate(groups):  # in input order
            prof.add_part([file_index for file_index, *_ in group], parts[index])
    result = _detect_profile(prof, mode, frequent_threshold, infrequent_threshold, similarity_threshold,
                             inject_synthetic, seed, allow, max_paths, max_hosts, threads, detectors=detectors,
                             samples=samples, min_level=min_level, catalog=catalog)
    _say_warnings(result, strict, stacklevel=3)
    if as_pandas:
        return findings_frame(result)
    records = [_spark_row(json.loads(line)) for line in result["findings_jsonl"].splitlines() if line]
    return spark.createDataFrame(records, schema=findings_schema())
