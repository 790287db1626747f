#!/usr/bin/env python3
"""The seed-mode similarity join at fleet scale, masq against its peers in one run.

    python3 bench/similarity_join.py [--sizes 20000,200000] [--out bench/similarity_join.json]

For each size N it generates N frequent × N infrequent realistic process names (deterministic,
tests/support/name_sets.h), then times:
  * masq's indexed join (1 and 2 threads) and masq's brute force on a sample (extrapolated);
  * RapidFuzz `process.cdist` with `DamerauLevenshtein.distance` (its only true-DL scorer; the fast
    bit-parallel scorers OSA/Levenshtein are not exact for true DL) plus the extension rule done
    in Python, on a sample of infrequent names, extrapolated to N × N;
  * DuckDB's `damerau_levenshtein` in a SQL cross join with the extension rule, on a sample,
    extrapolated.
Both peers' pairs on their samples are checked against masq's pairs.
"""
import argparse
import collections
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
BENCH = ROOT / "build" / "release" / "bench" / "similarity_join_bench"


def seed_budget(longest):
    """k[L]: the most edits with float32((L-d)/L) > 0.85, as masq and Spark compute it."""
    table = []
    for length in range(longest + 1):
        best = -1
        for d in range(length + 1):
            sim = 1.0 if length == 0 else (0.0 if d == length else (length - d) / length)
            if float(np.float32(sim)) > 0.85:
                best = d
        table.append(best)
    return np.array(table, dtype=np.int64)


def split(name):
    dot = name.rfind(".")
    return (None, None) if dot < 0 else (name[:dot], name[dot + 1 :])


def rapidfuzz_pairs(frequent, queries, budget, workers):
    """Every (f, q) pair passing the seed rule, with cdist doing the distances."""
    from rapidfuzz import process
    from rapidfuzz.distance import DamerauLevenshtein

    kmax = int(budget.max())
    f_split = [split(n) for n in frequent]
    pairs = set()
    by_ext = collections.defaultdict(list)
    for i, (stem, ext) in enumerate(f_split):
        if stem is not None:
            by_ext[ext].append(i)
    q_by_ext = collections.defaultdict(list)
    for j, n in enumerate(queries):
        stem, ext = split(n)
        if stem is not None:
            q_by_ext[ext].append(j)
    f_dotted = [i for i, (s, _) in enumerate(f_split) if s is not None]
    f_full_len = np.array([len(frequent[i]) for i in f_dotted])
    f_ext = [f_split[i][1] for i in f_dotted]
    for ext, qs in q_by_ext.items():
        # Same extension: stems.
        fs = by_ext.get(ext, [])
        if fs:
            q_stems = [split(queries[j])[0] for j in qs]
            f_stems = [f_split[i][0] for i in fs]
            m = process.cdist(q_stems, f_stems, scorer=DamerauLevenshtein.distance, score_cutoff=kmax,
                              workers=workers, dtype=np.int32)
            lq = np.array([len(s) for s in q_stems])[:, None]
            lf = np.array([len(s) for s in f_stems])[None, :]
            ok = m <= budget[np.minimum(np.maximum(lq, lf), len(budget) - 1)]
            for a, b in zip(*np.nonzero(ok)):
                pairs.add((fs[b], qs[a]))
        # Different extensions: full names.
        q_full = [queries[j] for j in qs]
        m = process.cdist(q_full, [frequent[i] for i in f_dotted], scorer=DamerauLevenshtein.distance,
                          score_cutoff=kmax, workers=workers, dtype=np.int32)
        lq = np.array([len(s) for s in q_full])[:, None]
        ok = m <= budget[np.minimum(np.maximum(lq, f_full_len[None, :]), len(budget) - 1)]
        ok &= np.array([e != ext for e in f_ext])[None, :]
        for a, b in zip(*np.nonzero(ok)):
            pairs.add((f_dotted[b], qs[a]))
    return pairs


def duckdb_pairs(frequent, queries, threads):
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET threads={threads}")
    con.execute("CREATE TABLE f(i INTEGER, name VARCHAR)")
    con.execute("CREATE TABLE q(j INTEGER, name VARCHAR)")
    con.executemany("INSERT INTO f VALUES (?, ?)", list(enumerate(frequent)))
    con.executemany("INSERT INTO q VALUES (?, ?)", list(enumerate(queries)))
    # The notebook's calcDist: strip a shared extension, compare full names otherwise; flagged when
    # 20·(max−d) ≥ 17·max (the float32 rule at 0.85, see docs/seed-mode.md).
    sql = """
    WITH fd AS (SELECT i, name, regexp_extract(name, '^(.*)\\.([^.]*)$', 1) AS stem,
                       regexp_extract(name, '^(.*)\\.([^.]*)$', 2) AS ext FROM f WHERE contains(name, '.')),
         qd AS (SELECT j, name, regexp_extract(name, '^(.*)\\.([^.]*)$', 1) AS stem,
                       regexp_extract(name, '^(.*)\\.([^.]*)$', 2) AS ext FROM q WHERE contains(name, '.')),
         c AS (SELECT i, j,
                      CASE WHEN fd.ext = qd.ext THEN damerau_levenshtein(fd.stem, qd.stem)
                           ELSE damerau_levenshtein(fd.name, qd.name) END AS d,
                      CASE WHEN fd.ext = qd.ext THEN greatest(length(fd.stem), length(qd.stem))
                           ELSE greatest(length(fd.name), length(qd.name)) END AS m
               FROM fd, qd)
    SELECT i, j FROM c WHERE (m = 0) OR (20 * (m - d) >= 17 * m AND m > 0)
    """
    return set(map(tuple, con.execute(sql).fetchall()))


def run(n, args, work):
    out = {"n": n}
    names_dir = work / f"names-{n}"
    brute_sample = max(1, args.brute_pairs // n)
    cmd = [str(BENCH), str(n), str(n), "--threads", "1", "--threads", "2", "--brute-sample",
           str(brute_sample), "--write-names", str(names_dir)]
    out["masq_command"] = " ".join(cmd)
    masq = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    out["masq"] = masq
    frequent = (names_dir / "frequent.txt").read_text(encoding="utf-8").splitlines()
    infrequent = (names_dir / "infrequent.txt").read_text(encoding="utf-8").splitlines()
    masq_pairs = set()
    for line in (names_dir / "matches.tsv").read_text().splitlines():
        i, j, _ = line.split("\t")
        masq_pairs.add((int(i), int(j)))
    budget = seed_budget(max(map(len, frequent + infrequent)) + 1)

    sample = max(1, min(len(infrequent), args.rapidfuzz_pairs // n))
    t0 = time.perf_counter()
    rf = rapidfuzz_pairs(frequent, infrequent[:sample], budget, workers=2)
    rf_seconds = time.perf_counter() - t0
    expected = {p for p in masq_pairs if p[1] < sample}
    out["rapidfuzz"] = {"sample_infrequent": sample, "seconds": rf_seconds,
                        "extrapolated_seconds": rf_seconds * len(infrequent) / sample, "workers": 2,
                        "pairs_in_sample": len(rf), "equal_to_masq_on_sample": rf == expected}

    f_sample = min(len(frequent), args.duckdb_frequent)
    i_sample = min(len(infrequent), args.duckdb_infrequent)
    t0 = time.perf_counter()
    dd = duckdb_pairs(frequent[:f_sample], infrequent[:i_sample], threads=2)
    dd_seconds = time.perf_counter() - t0
    expected = {p for p in masq_pairs if p[0] < f_sample and p[1] < i_sample}
    # DuckDB's damerau_levenshtein counts bytes, not code points: pairs with non-ASCII names differ.
    differing = sorted(dd ^ expected)
    out["duckdb_differences"] = [[frequent[i], infrequent[j], "duckdb" if (i, j) in dd else "masq"]
                                 for i, j in differing[:10]]
    non_ascii_only = all(not (frequent[i].isascii() and infrequent[j].isascii()) for i, j in differing)
    out["duckdb"] = {"differences_all_non_ascii": non_ascii_only, "sample": [f_sample, i_sample], "seconds": dd_seconds, "threads": 2,
                     "extrapolated_seconds": dd_seconds * len(frequent) * len(infrequent) / (f_sample * i_sample),
                     "pairs_in_sample": len(dd), "equal_to_masq_on_sample": dd == expected,
                     }
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="20000,200000")
    ap.add_argument("--brute-pairs", type=int, default=4_000_000, help="pairs masq's brute force computes per size")
    ap.add_argument("--rapidfuzz-pairs", type=int, default=40_000_000, help="pairs RapidFuzz computes per size")
    ap.add_argument("--duckdb-frequent", type=int, default=400)
    ap.add_argument("--duckdb-infrequent", type=int, default=1000)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    if not BENCH.exists():
        sys.exit(f"{BENCH} is missing: run `make build` first")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in map(int, args.sizes.split(",")):
            r = run(n, args, pathlib.Path(tmp))
            results.append(r)
            m = r["masq"]
            best = min(x["seconds"] for x in m["indexed"])
            print(f"\n== {n:,} frequent × {n:,} infrequent names ({m['matches']:,} pairs flagged) ==")
            print(f"{'method':58} {'seconds':>10} {'× masq':>9}")
            for x in m["indexed"]:
                print(f"{'masq indexed join, ' + str(x['threads']) + ' thread(s)':58} {x['seconds']:10.3f} "
                      f"{x['seconds'] / best:9.1f}")
            b = m["brute_force"]
            print(f"{'masq brute force (1 thread), extrapolated':58} {b['extrapolated_seconds']:10.1f} "
                  f"{b['extrapolated_seconds'] / best:9.0f}")
            rf = r["rapidfuzz"]
            print(f"{'RapidFuzz cdist DamerauLevenshtein (2 workers), extrap.':58} "
                  f"{rf['extrapolated_seconds']:10.1f} {rf['extrapolated_seconds'] / best:9.0f}"
                  f"   exact on sample: {rf['equal_to_masq_on_sample']}")
            dd = r["duckdb"]
            print(f"{'DuckDB damerau_levenshtein cross join (2 threads), extrap.':58} "
                  f"{dd['extrapolated_seconds']:10.1f} {dd['extrapolated_seconds'] / best:9.0f}"
                  f"   exact on sample: {dd['equal_to_masq_on_sample']}"
                  + ("" if dd["equal_to_masq_on_sample"] else
                     f" (differences only on non-ASCII names, bytes vs code points: "
                     f"{dd['differences_all_non_ascii']})"))
            print(f"peak RSS of the masq run: {m['peak_rss_mib']:.0f} MiB; brute force equals index on its sample: "
                  f"{b['indexed_equal_on_sample']}")
    if args.out:
        pathlib.Path(args.out).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
