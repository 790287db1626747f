#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The notebook's PySpark algorithm vs masq.spark.detect vs the CLI, on the same data, in one run.

    python3 bench/spark.py [--sizes 1000000:5000,10000000:50000] [--timeout 900] [--masq build/release/masq]

For each EVENTS:NAMES size: generate SecurityEvent export JSON lines with Spark (Zipf-distributed
counts over NAMES distinct process names, 10 % of them one-edit look-alikes of frequent names),
then on local[2]
  1. the notebook's cells (tests/parity/notebook_seed.py: fastDamerauLevenshtein UDF, cross join,
     left joins back to the events), cancelled after --timeout seconds;
  2. masq.spark.detect(df, mode="seed") and mode="full" on the same files (a DataFrame of them);
  2b. masq.spark.detect_files(spark, files, mode="seed") and mode="full": the files read by masq's
     C++ reader on the executors, partial profiles merged on the driver;
  3. the CLI, `masq detect --mode seed` on the same files (-j 2);
and check that the seed findings are the notebook's (when it finished) and the CLI's (both Spark
paths), and that detect_files' full-mode findings are detect's. Each Spark
timing starts from the JSON files (nothing cached); the notebook's pairs/s on the first size
extrapolates its time where it timed out (labelled as such). Writes bench/spark.json.
"""
import argparse
import json
import os
import pathlib
import random
import shutil
import subprocess
import sys
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "parity"))
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
# The notebook's UDF is pickled by reference to notebook_seed: the Python workers import it too.
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "tests" / "parity"), os.environ.get("PYTHONPATH")]))

import notebook_seed  # noqa: E402
from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402
from pyspark.sql import types as T  # noqa: E402

import masq  # noqa: E402
from masq import spark as masq_spark  # noqa: E402

SCHEMA = T.StructType([T.StructField(c, T.StringType()) for c in
                       ["EventID", "Process", "NewProcessName", "Computer", "TimeGenerated"]])
PARTS = ["svc", "host", "update", "agent", "win", "micro", "soft", "sync", "helper", "tray", "run", "broker",
         "task", "search", "index", "print", "spool", "net", "cloud", "edge", "teams", "office", "vpn", "setup"]


def names_and_counts(events, names, seed):
    """NAMES distinct names with Zipf(1.1) counts adding up to EVENTS; 10 % are one-edit look-alikes
    of the 200 most frequent names, seen rarely."""
    rng = random.Random(seed)
    base, seen = [], set()
    while len(base) < names - names // 10:
        n = "".join(rng.choice(PARTS) for _ in range(rng.randint(1, 3))) + str(rng.randint(0, 999)) + ".exe"
        if n not in seen:
            seen.add(n)
            base.append(n)
    weights = [1.0 / (r ** 1.1) for r in range(1, len(base) + 1)]
    scale = (events * 0.99) / sum(weights)
    counts = [max(1, int(w * scale)) for w in weights]
    lookalikes = []
    while len(lookalikes) < names - len(base):
        target = base[rng.randrange(min(200, len(base)))]
        stem, ext = target[:-4], target[-4:]
        i = rng.randrange(1, len(stem) - 1) if len(stem) > 2 else 0
        n = stem[:i] + rng.choice("abcdefghijklmnopqrstuvwxyz0") + stem[i + 1:] + ext
        if n not in seen:
            seen.add(n)
            lookalikes.append(n)
    all_names = base + lookalikes
    all_counts = counts + [rng.randint(1, 3) for _ in lookalikes]
    all_counts[0] += events - sum(all_counts)  # exact total
    assert all_counts[0] > 0
    return all_names, all_counts


def generate(spark, events, names, out, seed=1):
    if (out / "_SUCCESS").exists():
        return
    shutil.rmtree(out, ignore_errors=True)
    all_names, counts = names_and_counts(events, names, seed)
    rows = [(n, c, i) for i, (n, c) in enumerate(zip(all_names, counts))]
    table = spark.createDataFrame(rows, "name string, n int, idx int")
    start = 1_700_000_000
    df = (table.select("name", "idx", F.explode(F.sequence(F.lit(1), F.col("n"))).alias("k"))
          .select(
              F.lit(4688).alias("EventID"),
              # Mixed case as Windows records it; the notebook lower-cases.
              F.when(F.col("k") % 5 == 0, F.upper("name")).otherwise(F.col("name")).alias("Process"),
              F.concat(F.when(F.col("idx") % 10 == 9, F.lit("C:\\Users\\Public\\"))
                       .otherwise(F.lit("C:\\Windows\\System32\\")), F.col("name")).alias("NewProcessName"),
              F.concat(F.lit("HOST-"), F.pmod(F.hash("idx", "k"), F.lit(500)).cast("string")).alias("Computer"),
              F.date_format(F.timestamp_seconds(F.lit(start) + F.pmod(F.hash("k", "idx"), F.lit(86400))),
                            "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").alias("TimeGenerated"))
          .repartition(8))
    df.write.mode("overwrite").json(str(out))


def timed(f):
    t = time.perf_counter()
    r = f()
    return r, time.perf_counter() - t


def run_notebook(spark, paths, timeout):
    """flagged triples and seconds, or (None, timeout) when cancelled."""
    sc = spark.sparkContext
    group = f"notebook-{time.time()}"
    result = {}

    def work():
        sc.setJobGroup(group, "notebook", interruptOnCancel=True)
        try:
            result["triples"] = notebook_seed.flagged_triples(spark, paths, 0.8, 0.2, 0.85)
        except Exception as e:  # cancelled
            result["error"] = str(e).splitlines()[0][:200]

    t = time.perf_counter()
    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        sc.cancelJobGroup(group)
        thread.join()
        return None, time.perf_counter() - t
    if "error" in result:
        raise RuntimeError(result["error"])
    return result["triples"], time.perf_counter() - t


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000000:5000,10000000:50000")
    parser.add_argument("--timeout", type=float, default=900, help="seconds before the notebook is cancelled")
    parser.add_argument("--masq", default=str(ROOT / "build" / "release" / "masq"))
    parser.add_argument("--data", default="/tmp/masq-bench-spark")
    parser.add_argument("--out", default=str(ROOT / "bench" / "spark.json"))
    args = parser.parse_args()

    spark = notebook_seed.start_spark()  # local[2], en_US, the parity test's settings
    results, rate = [], None
    for size in args.sizes.split(","):
        events, names = map(int, size.split(":"))
        data = pathlib.Path(args.data) / f"{events}_{names}"
        _, gen_s = timed(lambda: generate(spark, events, names, data))
        paths = [str(data)]
        print(f"== {events:,} events / {names:,} names ({gen_s:.0f} s to generate)", flush=True)

        df = spark.read.json(paths, schema=SCHEMA)
        # Untimed: warms the JVM and the page cache for all contenders alike, and starts the Python
        # workers (the notebook's UDF and detect_files' readers run in them; Spark reuses them).
        df.groupBy("Process").count().collect()
        spark.sparkContext.parallelize(range(8), 8).map(lambda x: x).collect()
        seed_found, spark_seed_s = timed(lambda: masq_spark.detect(df, mode="seed").collect())
        full_found, spark_full_s = timed(lambda: masq_spark.detect(df, mode="full").collect())
        print(f"masq.spark.detect seed {spark_seed_s:.1f} s, full {spark_full_s:.1f} s", flush=True)
        files_seed, files_seed_s = timed(lambda: masq_spark.detect_files(spark, paths, mode="seed").collect())
        files_full, files_full_s = timed(lambda: masq_spark.detect_files(spark, paths, mode="full").collect())
        print(f"masq.spark.detect_files seed {files_seed_s:.1f} s, full {files_full_s:.1f} s", flush=True)

        cli = [args.masq, "detect", "--mode", "seed", "--format", "jsonl", "-j", "2", "-q", str(data)]
        out, cli_s = timed(lambda: subprocess.run(cli, capture_output=True, text=True, check=True).stdout)
        cli_triples = sorted([r["normal_process"], r["suspicious_process"],
                              notebook_seed.float32_bits(r["score"])] for r in map(json.loads, out.splitlines()))
        ours = sorted([r.normal_process, r.suspicious_process, notebook_seed.float32_bits(r.score)]
                      for r in seed_found)
        files_ours = sorted([r.normal_process, r.suspicious_process, notebook_seed.float32_bits(r.score)]
                            for r in files_seed)
        assert files_ours == cli_triples, "detect_files seed findings differ from the CLI's"
        assert ours == cli_triples, "detect seed findings differ from the CLI's"

        def pairs(rows):
            return [(r.suspicious_process, r.normal_process, r.detector, r.suspicious_count) for r in rows]
        assert pairs(files_full) == pairs(full_found), "detect_files full findings differ from detect's"
        summary = masq.detect(str(data), mode="seed", threads=2).attrs["summary"]
        print(f"CLI seed {cli_s:.1f} s; {summary['frequent']} frequent x {summary['infrequent']} infrequent "
              f"= {summary['pairs_compared']:,} pairs; {len(ours)} findings", flush=True)

        triples, nb_s = run_notebook(spark, paths, args.timeout)
        row = {"events": events, "names": names, "frequent": summary["frequent"],
               "infrequent": summary["infrequent"], "pairs": summary["pairs_compared"],
               "findings": len(ours), "masq_spark_seed_s": round(spark_seed_s, 2),
               "masq_spark_full_s": round(spark_full_s, 2), "masq_files_seed_s": round(files_seed_s, 2),
               "masq_files_full_s": round(files_full_s, 2), "cli_seed_s": round(cli_s, 2),
               "spark_equals_cli": ours == cli_triples}
        if triples is not None:
            rate = summary["pairs_compared"] / nb_s
            row.update(notebook_s=round(nb_s, 1), notebook_timed_out=False,
                       notebook_equals_masq=(triples == ours), speedup=round(nb_s / spark_seed_s, 1),
                       speedup_files=round(nb_s / files_seed_s, 1))
            print(f"notebook {nb_s:.1f} s ({rate:,.0f} pairs/s); same findings: {triples == ours}; "
                  f"masq.spark.detect {nb_s / spark_seed_s:.1f}x faster, "
                  f"masq.spark.detect_files {nb_s / files_seed_s:.1f}x faster", flush=True)
        else:
            row.update(notebook_s=round(nb_s, 1), notebook_timed_out=True)
            if rate:
                est = summary["pairs_compared"] / rate
                row.update(notebook_extrapolated_s=round(est), speedup_extrapolated=round(est / spark_seed_s),
                           speedup_files_extrapolated=round(est / files_seed_s))
            print(f"notebook > {nb_s:.0f} s (timed out)" +
                  (f"; extrapolated {row['notebook_extrapolated_s']:,} s at the first size's pairs/s" if rate else ""),
                  flush=True)
        results.append(row)
        pathlib.Path(args.out).write_text(json.dumps(results, indent=1) + "\n")
    spark.stop()


if __name__ == "__main__":
    main()
