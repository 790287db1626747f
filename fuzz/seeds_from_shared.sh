#!/usr/bin/env bash
# Seeds for HARNESS made from the real corpora in SHARED (../shared/data/real: events and .evtx
# from public attack datasets, whose licences allow use but not copying into this repository, so
# they are read at run time). Writes them into OUT; exits 1 when SHARED is not there or gives
# this harness nothing.
set -euo pipefail
harness=$1 out=$2 shared=$3
[[ -d $shared ]] || exit 1
events=$shared/real_process_events.jsonl
rm -rf "$out"
mkdir -p "$out"
# N seeds of K consecutive lines of the events, each after the prefix byte(s) $3.
lines() {
    local n=$1 k=$2 prefix=$3 i
    for ((i = 0; i < n; i++)); do
        { printf "$prefix"; sed -n "$((i * 97 + 1)),$((i * 97 + k))p" "$events"; } >"$out/events-$i"
    done
}
case $harness in
security_event) lines 40 6 '\x01' ;;
csv) # the same events as CSV, the columns of a Log Analytics export
    python3 - "$events" "$out" <<'PY'
import csv, io, json, sys
events = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
cols = ["TimeGenerated", "Computer", "EventID", "Process", "NewProcessName", "ParentProcessName", "CommandLine"]
for i in range(20):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=",;\t"[i % 3])
    w.writerow(cols)
    for e in events[i * 300:i * 300 + 6]:
        w.writerow([e.get(c, "") for c in cols])
    open(f"{sys.argv[2]}/events-{i}.csv", "wb").write(b"\x01" + buf.getvalue().encode())
PY
    ;;
evtx) # small logs whole; of the larger ones (and of the EVTX reader corpus beside) the header and
    # first two chunks, which hold templates, process creations and free space
    i=0
    for f in "$shared"/evtx/*.evtx "$shared"/../evtx-corpus/omerbenamram-evtx-samples/*.evtx; do
        [[ -f $f ]] || continue
        i=$((i + 1))
        if [[ $(stat -c %s "$f") -le 200000 ]]; then cp "$f" "$out/log-$i.evtx"; else head -c 135168 "$f" >"$out/log-$i.evtx"; fi
    done ;;
compressed)
    for ((i = 0; i < 10; i++)); do
        sed -n "$((i * 500 + 1)),$((i * 500 + 8))p" "$events" >"$out/plain"
        { printf '\x00'; gzip -c "$out/plain"; } >"$out/gzip-$i"
        { printf '\x02'; zstd -q -c "$out/plain"; } >"$out/zstd-$i"
    done
    rm -f "$out/plain"
    ;;
similarity)
    python3 - "$events" "$out" <<'PY'
import json, sys
names = sorted({json.loads(l).get("Process") or "" for l in open(sys.argv[1], encoding="utf-8")})
for i in range(0, len(names), 12):
    open(f"{sys.argv[2]}/names-{i}", "wb").write(b"\x00" + "\n".join(names[i:i + 12]).encode())
PY
    ;;
*) rmdir "$out"; exit 1 ;;
esac
