# SPDX-License-Identifier: MIT
"""masq on Spark: the aggregation runs in Spark, the matching in masq's C++ core on the driver.

    from masq import spark as masq_spark
    findings = masq_spark.detect(events_df, mode="seed")      # a Spark DataFrame
    flagged_events = masq_spark.events_of(events_df, findings)

`detect` does what the notebook does with its events — filter EventID 4688, group by
`lower(Process)` — but in one pass over the events with GROUPING SETS, which yields only the
distinct-name profile: per name its count and first/last time, and per (name, path), (name, host),
(name, parent), (name, original file name) the counts. That profile grows with distinct names, not
events; it is collected (Arrow) to the driver, where the C++ core ranks it, matches it and writes
the findings with their context. There is no cross join and no Python UDF: the notebook compares
every frequent name with every rare one in a Python UDF; masq's similarity join does it in C++
with an index. The findings come back as a Spark DataFrame with the fields of `masq detect
--format jsonl`; `events_of` broadcast-joins them to the events for drill-down.
"""
from __future__ import annotations

import os
from typing import Optional

from . import FINDING_FIELDS, _core, _detect_profile, findings_frame

__all__ = ["detect", "profile", "events_of", "findings_schema"]

# (grouping column, Profile.add_values kind) for the per-value aggregates.
_VALUE_COLUMNS = [("NewProcessName", "paths"), ("Computer", "hosts"), ("ParentProcessName", "parents"),
                  ("OriginalFileName", "original_names")]


def findings_schema():
    """The Spark schema of a findings DataFrame (the JSONL fields of `masq detect`)."""
    from pyspark.sql import types as T

    def counted(key):
        return T.ArrayType(T.StructType([T.StructField(key, T.StringType()), T.StructField("count", T.LongType())]))

    return T.StructType([
        T.StructField("detector", T.StringType()),
        T.StructField("suspicious_process", T.StringType()),
        T.StructField("normal_process", T.StringType()),
        T.StructField("score", T.FloatType()),
        T.StructField("similarity", T.DoubleType()),
        T.StructField("distance", T.LongType()),
        T.StructField("suspicious_count", T.LongType()),
        T.StructField("normal_count", T.LongType()),
        T.StructField("suspicious_percent_rank", T.DoubleType()),
        T.StructField("normal_percent_rank", T.DoubleType()),
        T.StructField("suspicious_paths", counted("path")),
        T.StructField("suspicious_distinct_paths", T.LongType()),
        T.StructField("normal_paths", counted("path")),
        T.StructField("normal_distinct_paths", T.LongType()),
        T.StructField("hosts", counted("host")),
        T.StructField("distinct_hosts", T.LongType()),
        T.StructField("first_seen", T.StringType()),
        T.StructField("last_seen", T.StringType()),
        T.StructField("in_user_data", T.BooleanType()),
        T.StructField("involves_synthetic", T.BooleanType()),
        T.StructField("reason", T.StringType()),
    ])


def _aggregate(df):
    """One Spark job: the distinct-name profile of the 4688 events of `df`, as a pandas DataFrame
    with columns g (which grouping set), name, value, count, first_time, last_time."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    columns = set(df.columns)
    if "Process" not in columns:
        raise ValueError("masq.spark.detect: the DataFrame has no Process column")
    events = df
    if "EventID" in columns:
        # The notebook: EventID == "4688" on a string column (an integer column casts to the same string).
        events = events.where(F.col("EventID").cast("string") == F.lit("4688"))
    name = F.lower(F.col("Process")).alias("name")  # the notebook's lower(), in the JVM
    selected = [name]
    time_key = None
    if "TimeGenerated" in columns:
        t = df.schema["TimeGenerated"].dataType
        if isinstance(t, (T.TimestampType, T.TimestampNTZType)):
            # Microseconds since the epoch, as text: no time zone gets in the way.
            ts = F.col("TimeGenerated")
            text = F.concat(F.lit("@"), F.unix_micros(F.col("TimeGenerated").cast("timestamp")).cast("string"))
        else:
            text = F.col("TimeGenerated").cast("string")
            ts = text.cast("timestamp")
        # The earliest/latest by instant; equal microseconds are ordered by the text, which keeps
        # the 7th fraction digit of the export's times (Spark's timestamps stop at microseconds).
        time_key = F.when(ts.isNotNull(), F.struct(ts.alias("ts"), text.alias("text")))
        selected.append(time_key.alias("t"))
    present = [(c, kind) for c, kind in _VALUE_COLUMNS if c in columns]
    for c, _ in present:
        selected.append(F.col(c).cast("string").alias(c))
    view = events.select(*selected)

    # GROUPING SETS: one scan of the events for the name counts and every per-value count.
    sets = ["(name)"] + [f"(name, `{c}`)" for c, _ in present]
    value_expr = ("CASE " + " ".join(f"WHEN grouping(`{c}`) = 0 THEN `{c}`" for c, _ in present)
                  + " END") if present else "CAST(NULL AS STRING)"
    kind_expr = ("CASE " + " ".join(f"WHEN grouping(`{c}`) = 0 THEN '{kind}'" for c, kind in present)
                 + " ELSE 'name' END") if present else "'name'"
    time_cols = "min(t).text AS first_time, max(t).text AS last_time" if time_key is not None else \
        "CAST(NULL AS STRING) AS first_time, CAST(NULL AS STRING) AS last_time"
    spark = df.sparkSession
    tmp = f"masq_events_{os.getpid()}_{id(view)}"
    view.createOrReplaceTempView(tmp)
    try:
        agg = spark.sql(
            f"SELECT {kind_expr} AS kind, name, {value_expr} AS value, count(*) AS count, {time_cols} "
            f"FROM {tmp} GROUP BY GROUPING SETS ({', '.join(sets)})")
        return _to_pandas(agg)
    finally:
        spark.catalog.dropTempView(tmp)


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
    """The masq._core.Profile of a Spark DataFrame of process events (aggregated in Spark)."""
    import pandas as pd

    rows = _aggregate(df)
    prof = _core.Profile(strict)

    def name_or_none(v):
        return None if v is None or (isinstance(v, float) and pd.isna(v)) else v

    def ticks(text):
        if not isinstance(text, str):
            return None
        if text.startswith("@"):  # microseconds of a timestamp column
            return int(text[1:]) * 10
        return _core.parse_time(text)  # the export's text, parsed as the CLI parses it

    names = rows[rows["kind"] == "name"]
    for name, count, first, last in zip(names["name"], names["count"], names["first_time"], names["last_time"]):
        prof.add_name(name_or_none(name), int(count), ticks(first), ticks(last))
    for _, kind in _VALUE_COLUMNS:
        part = rows[(rows["kind"] == kind) & rows["value"].notna()]
        if kind == "parents":
            part = part[part["value"] != ""]
        elif kind == "original_names":
            part = part[(part["value"] != "") & (part["value"] != "-")]
        if len(part):
            prof.add_values(kind, [name_or_none(n) for n in part["name"]], part["value"].tolist(),
                            [int(c) for c in part["count"]])
    return prof


def detect(df, mode: str = "full", *, frequent_threshold: float = 0.8, infrequent_threshold: float = 0.2,
           similarity_threshold: float = 0.85, inject_synthetic: bool = False, seed: Optional[int] = None,
           allow=None, max_paths: int = 10, max_hosts: int = 10, threads: int = 0, as_pandas: bool = False):
    """Findings of a Spark DataFrame of process events (Sentinel columns: Process, NewProcessName,
    Computer, TimeGenerated, EventID, optional ParentProcessName, OriginalFileName), equal to
    `masq detect` on the same events. Returns a Spark DataFrame with findings_schema() (or the
    pandas DataFrame when as_pandas=True); `mode` and the options are those of masq.detect."""
    if mode not in ("full", "seed"):
        raise ValueError(f"mode must be 'full' or 'seed', not {mode!r}")
    prof = profile(df)
    result = _detect_profile(prof, mode, frequent_threshold, infrequent_threshold, similarity_threshold,
                            inject_synthetic, seed, allow, max_paths, max_hosts, threads)
    if as_pandas:
        return findings_frame(result)
    records = [tuple(f[k] for k in FINDING_FIELDS) for f in result["findings"]]
    return df.sparkSession.createDataFrame(records, schema=findings_schema())


def events_of(df, findings, which: str = "suspicious_process"):
    """The events of `df` whose lower-cased Process is a finding's `which` name: the findings (few)
    are broadcast to every executor, so the events are never shuffled."""
    from pyspark.sql import functions as F

    names = findings.select(F.col(which).alias("_masq_name")).distinct()
    return (df.join(F.broadcast(names), F.lower(F.col("Process")) == F.col("_masq_name"), "inner")
            .drop("_masq_name"))
