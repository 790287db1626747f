#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The Sentinel notebook "Masquerading Process Name Anomaly", run as is in a local Spark session.

This is the oracle for masq's `--mode seed`. The cells of
`Azure/Azure-Sentinel-Notebooks/machine-learning-notebooks/MasqueradingProcessNameAnomaly.ipynb`
that decide what is flagged are copied with their names and their quirks: the float32 UDF, the
all-string schema, `percent_rank` over one global window, the `> levenDistThreshold` filter and the
left joins back to the events. Left out, because they do not change which pairs are flagged or
because parity is checked without them: the synthetic rows (unseeded `random`), the prints and
`show()`s, `cache()`, and the post to Log Analytics. `storage_blob_manager.get_raw_df` is closed
source; `spark.read.json(paths, schema=...)` is what it most likely does (seed-semantics.md §3).

The notebook posts one row per flagged pair x event x event. This script reports each flagged
(frequentProcess, infrequentProcess, Dist) once, with Dist as the bits of its float32, so that a
comparison is exact and does not depend on decimal printing.

    python3 tests/parity/notebook_seed.py --out result.json INPUT...
        -> [[normal, suspicious, score_float32_bits], ...]
    python3 tests/parity/notebook_seed.py --out result.json --case a=x.json --case b=y.json,z.json
        -> {"a": [...], "b": [...]}   (one Spark session for all cases: start-up takes most of the time)
"""
import argparse
import json
import os
import struct
import sys

from fastDamerauLevenshtein import damerauLevenshtein
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T
from pyspark.sql.window import Window


# --- notebook cell "helper functions", verbatim ---------------------------------------------------
def calcDist(one, two):
    oneDot = -1
    twoDot = -1
    if(one is not None and two is not None):
        oneDot = one.rfind('.')
        twoDot = two.rfind('.')
    if((oneDot != -1) and (twoDot != -1)):
        oneEnd = one[oneDot + 1:]
        twoEnd = two[twoDot + 1:]
        if(oneEnd == twoEnd):
            one = one[:oneDot]
            two = two[:twoDot]
        return damerauLevenshtein(one, two)
    return 0.0


calcDistUdf = F.udf(calcDist, T.FloatType())


# --- notebook cell "schema of the input", verbatim ------------------------------------------------
def security_event_schema():
    return T.StructType([
        T.StructField(name="EventID", dataType=T.StringType(), nullable=True),
        T.StructField(name="NewProcessName", dataType=T.StringType(), nullable=True),
        T.StructField(name="Process", dataType=T.StringType(), nullable=True),
        T.StructField(name="TimeGenerated", dataType=T.StringType(), nullable=True),
    ])


def notebook_flagged(spark, paths, frequentThreshold, infrequentThreshold, levenDistThreshold):
    """The notebook's cells from reading the events to `infrequentProcessWholeFiltered`."""
    # get_raw_df: JSON lines with the notebook's schema, default PERMISSIVE mode (a malformed line
    # becomes an all-null row, which the EventID filter drops).
    raw_df = spark.read.json(paths, schema=security_event_schema())
    final = raw_df.where(F.col("EventID") == "4688")
    final = final.withColumn("Process", F.lower("Process"))
    final = final.drop("EventID")
    final = final.withColumn("From", F.lit("User"))

    groupProcess = final.groupBy("Process").count().sort(F.desc("count"))
    groupProcess = groupProcess.select(
        "Process", "count",
        F.percent_rank().over(Window.partitionBy().orderBy(groupProcess['count'])).alias("percent_rank"))
    groupProcess = groupProcess.sort(F.desc("percent_rank"))
    frequentProcess = groupProcess.where(F.col("percent_rank") >= frequentThreshold).select("Process")
    frequentProcess = frequentProcess.withColumnRenamed("Process", "frequentProcess")
    infrequentProcess = groupProcess.where(F.col("percent_rank") < infrequentThreshold).select("Process")
    infrequentProcess = infrequentProcess.withColumnRenamed("Process", "infrequentProcess")

    compare = frequentProcess.crossJoin(infrequentProcess)
    compare = compare.withColumn("Dist", calcDistUdf(F.col("frequentProcess"), F.col("infrequentProcess")))

    frequentProcessWhole = compare.join(final, (final.Process == compare.frequentProcess), how="left").drop("Process")
    frequentProcessWhole = frequentProcessWhole.withColumnRenamed("NewProcessName", "frequentProcessPath")
    frequentProcessWhole = frequentProcessWhole.withColumnRenamed("TimeGenerated", "frequentTimeGenerated")
    frequentProcessWhole = frequentProcessWhole.withColumnRenamed("From", "frequentFrom")
    infrequentProcessWhole = frequentProcessWhole.join(
        final, (final.Process == frequentProcessWhole.infrequentProcess), how="left").drop("Process")
    infrequentProcessWhole = infrequentProcessWhole.withColumnRenamed("NewProcessName", "infrequentProcessPath")
    infrequentProcessWhole = infrequentProcessWhole.withColumnRenamed("TimeGenerated", "infrequentTimeGenerated")
    infrequentProcessWhole = infrequentProcessWhole.withColumnRenamed("From", "infrequentFrom")
    return infrequentProcessWhole.where(F.col("Dist") > levenDistThreshold)


def float32_bits(value):
    """The bits of a Spark FloatType value (PySpark hands it over as a Python float holding it exactly)."""
    return struct.unpack('<I', struct.pack('<f', value))[0]


def flagged_triples(spark, paths, frequent, infrequent, similarity):
    rows = (notebook_flagged(spark, paths, frequent, infrequent, similarity)
            .select("frequentProcess", "infrequentProcess", "Dist").distinct().collect())
    return sorted([r.frequentProcess, r.infrequentProcess, float32_bits(r.Dist)] for r in rows)


def start_spark():
    # The Python workers that run calcDist must see the same fastDamerauLevenshtein as this script.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (SparkSession.builder
             .master("local[2]")
             .appName("masq-notebook-seed")
             .config("spark.sql.shuffle.partitions", "4")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             # F.lower is Java's String.toLowerCase in the JVM default locale (tr would map I to ı).
             .config("spark.driver.extraJavaOptions", "-Duser.language=en -Duser.country=US")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    # The option reaches the JVM only if this call started it; fail rather than compare in another locale.
    locale = spark.sparkContext._jvm.java.util.Locale.getDefault().toString()
    if locale != "en_US":
        raise SystemExit(f"notebook_seed: the Spark JVM runs in locale {locale}, not en_US")
    return spark


def parse_case(text):
    name, sep, paths = text.partition("=")
    if not sep or not name or not paths:
        raise argparse.ArgumentTypeError(f"expected NAME=path[,path...], got {text!r}")
    return name, paths.split(",")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frequent", type=float, default=0.8, help="frequentThreshold (default 0.8)")
    parser.add_argument("--infrequent", type=float, default=0.2, help="infrequentThreshold (default 0.2)")
    parser.add_argument("--similarity", type=float, default=0.85, help="levenDistThreshold (default 0.85)")
    parser.add_argument("--case", type=parse_case, action="append", default=[], metavar="NAME=PATH[,PATH...]",
                        help="a dataset to run; repeat for several (output is then a dict NAME -> triples)")
    parser.add_argument("--out", required=True, help="where to write the JSON result")
    parser.add_argument("inputs", nargs="*", metavar="INPUT", help="JSON-lines files of one dataset")
    args = parser.parse_args(argv)
    if bool(args.case) == bool(args.inputs):
        parser.error("give either INPUT files or --case options")
    names = [name for name, _ in args.case]
    if len(set(names)) != len(names):
        parser.error("--case names must be unique")

    spark = start_spark()
    try:
        def run(paths):
            return flagged_triples(spark, paths, args.frequent, args.infrequent, args.similarity)
        result = {name: run(paths) for name, paths in args.case} if args.case else run(args.inputs)
    finally:
        spark.stop()
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump(result, out, ensure_ascii=False, indent=1)
        out.write("\n")


if __name__ == "__main__":
    main()
