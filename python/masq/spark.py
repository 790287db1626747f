# SPDX-License-Identifier: MIT
"""masq on Spark: the aggregation runs in Spark, the matching in masq's C++ core on the driver.

    from masq import spark as masq_spark
    findings = masq_spark.detect(events_df, mode="seed")      # a Spark DataFrame
    flagged_events = masq_spark.events_of(events_df, findings)

`detect` does what the notebook does with its events — filter EventID 4688, group by
`lower(Process)` — but in one pass over the events with GROUPING SETS (hash aggregation), which
yields only the distinct-name profile: per name its count and first/last time, and per
(name, path), (name, parent), (name, original file name) the counts, and the fleet's hosts. That profile grows with distinct names, not
events; it is collected (Arrow) to the driver, where the C++ core ranks it, matches it and writes
the findings. The hosts of the flagged names (their context) are then counted in Spark from the
events filtered by a broadcast of those names. There is no cross join and no Python UDF: the notebook compares
every frequent name with every rare one in a Python UDF; masq's similarity join does it in C++
with an index. The findings come back as a Spark DataFrame with the fields of `masq detect
--format jsonl`; `events_of` broadcast-joins them to the events for drill-down.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
from typing import Optional

from . import FINDING_SCHEMA, SAMPLE_SCHEMA, _core, _detect_profile, findings_frame

__all__ = ["detect", "profile", "events_of", "findings_schema"]

# (grouping column, Profile.add_values kind) for the per-value aggregates.
_VALUE_COLUMNS = [("NewProcessName", "paths"), ("Computer", "hosts"), ("ParentProcessName", "parents"),
                  ("OriginalFileName", "original_names")]


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


def _aggregate(df):
    """One Spark job over the events: the distinct-name profile without hosts, as a pandas
    DataFrame (flags g_name, g_<column> telling the grouping set; name, one column per value kind,
    count, first, last in ticks), the value columns present, and the fleet's distinct hosts.

    Hosts are left out because (name, host) pairs are most of a fleet's profile and only the
    flagged names' hosts are shown; the (Computer) grouping set counts the fleet's hosts."""
    from pyspark.sql import functions as F

    columns = set(df.columns)
    events = _events(df)
    present = [c for c, kind in _VALUE_COLUMNS if c in columns and kind != "hosts"]
    ticks = _ticks(df)
    selected = [F.col("_masq_name").alias("name"),
                (ticks if ticks is not None else F.lit(None).cast("long")).alias("t")]
    selected += [F.col(c).cast("string").alias(c) for c in present]
    has_hosts = "Computer" in columns
    if has_hosts:
        selected.append(F.col("Computer").cast("string").alias("Computer"))
    view = events.select(*selected)

    # GROUPING SETS: one scan of the events for the name counts, every per-value count and the hosts.
    # With a path column the (name) set is left out: its counts and times are those of the
    # (name, path) groups (null paths included) added up, which saves Spark a copy of every row.
    derive_names = "NewProcessName" in present
    sets = ([] if derive_names else ["(name)"]) + [f"(name, `{c}`)" for c in present] + \
        (["(Computer)"] if has_hosts else [])
    flags = "".join(f"grouping(`{c}`) AS `g_{c}`, `{c}`, " for c in present)
    spark = df.sparkSession
    tmp = f"masq_events_{os.getpid()}_{id(view)}"
    view.createOrReplaceTempView(tmp)
    try:
        agg = spark.sql(f"SELECT grouping(name) AS g_name, name, {flags}"
                        + ("grouping(Computer) AS g_Computer, Computer, count(name) AS named, " if has_hosts else "")
                        + f"count(*) AS count, min(t) AS first, max(t) AS last FROM {tmp} "
                        f"GROUP BY GROUPING SETS ({', '.join(sets)})")
        rows = _to_pandas(agg)
    finally:
        spark.catalog.dropTempView(tmp)
    total_hosts = None
    if has_hosts:
        # As the CLI counts them: distinct hosts of events that have a name.
        host_rows = rows[rows["g_Computer"] == 0]
        total_hosts = int(((host_rows["named"] > 0) & host_rows["Computer"].notna()).sum())
        rows = rows[rows["g_name"] == 0]
    return rows, present, total_hosts, derive_names


def _add_hosts(df, prof, names):
    """Adds the hosts of `names` to the profile: the events are filtered by a broadcast of the
    (few) names, then grouped by (name, host) in Spark."""
    from pyspark.sql import functions as F

    if "Computer" not in df.columns or not names:
        return
    spark = df.sparkSession
    wanted = spark.createDataFrame([(n,) for n in sorted(names)], "_masq_flagged string")
    pairs = (_events(df).join(F.broadcast(wanted), F.col("_masq_name") == F.col("_masq_flagged"), "left_semi")
             .where(F.col("Computer").isNotNull())
             .groupBy("_masq_name", F.col("Computer").cast("string").alias("host")).count())
    rows = _to_pandas(pairs)
    if len(rows):
        prof.add_values("hosts", rows["_masq_name"].tolist(), rows["host"].tolist(),
                        [int(c) for c in rows["count"]])


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


def profile(df, strict: bool = False):
    """The masq._core.Profile of a Spark DataFrame of process events, aggregated in Spark, without
    hosts, and the fleet's distinct hosts (None without a Computer column)."""
    import pandas as pd

    rows, present, total_hosts, derive_names = _aggregate(df)
    prof = _core.Profile(strict)

    def optional(values):
        return [None if v is None or (isinstance(v, float) and pd.isna(v)) else v for v in values]

    def optional_int(values):
        return [None if pd.isna(v) else int(v) for v in values]

    value_flags = [rows[f"g_{c}"] == 0 for c in present]
    if derive_names:
        by_path = rows[value_flags[present.index("NewProcessName")]]
        names = (by_path.groupby("name", dropna=False, sort=False)
                 .agg(count=("count", "sum"), first=("first", "min"), last=("last", "max")).reset_index())
    else:
        names = rows
        for flag in value_flags:
            names = names[~flag.loc[names.index]]
    for name, count, first, last in zip(optional(names["name"]), names["count"], optional_int(names["first"]),
                                        optional_int(names["last"])):
        prof.add_name(name, int(count), first, last)
    kinds = dict(_VALUE_COLUMNS)
    for column, flag in zip(present, value_flags):
        part = rows[flag & rows[column].notna()]
        kind = kinds[column]
        # As the export reader: an empty parent, and an empty or "-" original name, mean none.
        if kind == "parents":
            part = part[part[column] != ""]
        elif kind == "original_names":
            part = part[(part[column] != "") & (part[column] != "-")]
        if len(part):
            prof.add_values(kind, optional(part["name"]), part[column].tolist(), [int(c) for c in part["count"]])
    return prof, total_hosts


def detect(df, mode: str = "full", *, frequent_threshold: float = 0.8, infrequent_threshold: float = 0.2,
           similarity_threshold: float = 0.85, inject_synthetic: bool = False, seed: Optional[int] = None,
           allow=None, max_paths: int = 10, max_hosts: int = 10, threads: int = 0, as_pandas: bool = False):
    """Findings of a Spark DataFrame of process events (Sentinel columns: Process, NewProcessName,
    Computer, TimeGenerated, EventID, optional ParentProcessName, OriginalFileName), equal to
    `masq detect` on the same events. Returns a Spark DataFrame with findings_schema() (or the
    pandas DataFrame when as_pandas=True); `mode` and the options are those of masq.detect."""
    _core.check_options(mode, float(frequent_threshold), float(infrequent_threshold), float(similarity_threshold),
                        "", allow is not None)
    prof, total_hosts = profile(df)
    if inject_synthetic:
        prof.inject_synthetic(int(seed) if seed is not None else int.from_bytes(os.urandom(8), "little"))

    def run(allow_list):
        return _detect_profile(prof, mode, frequent_threshold, infrequent_threshold, similarity_threshold,
                               False, None, allow_list, max_paths, max_hosts, threads, total_hosts)

    # Hosts are context: no detector decides on them, but an allow-list rule may name hosts. So the
    # flagged names are found without the allow-list, their hosts fetched, and detection run again
    # with it, each finding listing its hosts as the CLI does.
    need_hosts = total_hosts is not None
    result = run(None if need_hosts else allow)
    flagged = {json.loads(line)["suspicious_process"] for line in result["findings_jsonl"].splitlines() if line}
    if need_hosts:
        _add_hosts(df, prof, flagged)
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
