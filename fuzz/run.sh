#!/usr/bin/env bash
# Runs one libFuzzer harness (fuzz/README.md).
#
#   fuzz/run.sh smoke    HARNESS BINARY SECONDS   every seed and saved crash input once, then a
#                                                 short run from them (ctest, make test)
#   fuzz/run.sh campaign HARNESS BINARY SECONDS [RUNS]
#                                                 a long run (make fuzz): stops after SECONDS or
#                                                 RUNS executions, keeps what it learns in
#                                                 build/fuzz-corpus/HARNESS, its log and final
#                                                 figures in build/fuzz-campaign/HARNESS.log
#
# Inputs: fuzz/corpus/HARNESS (committed seeds), fuzz/regressions/HARNESS (every input a campaign
# crashed on, kept forever), seeds made from ../shared/data/real when it is there, and
# fuzz/dict/HARNESS.dict. A crash, leak, timeout (10 s) or 2 GiB of RSS fails the run, and the
# input is written to build/fuzz-artifacts/HARNESS/.
set -euo pipefail
mode=$1 harness=$2 binary=$3 seconds=$4 runs=${5:-}
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${MASQ_FUZZ_WORK:-$root/build}
artifacts=$build/fuzz-artifacts/$harness
mkdir -p "$artifacts"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$here/lsan.supp:print_suppressions=0}

dirs=()
[[ -d $here/corpus/$harness ]] && dirs+=("$here/corpus/$harness")
[[ -d $here/regressions/$harness ]] && dirs+=("$here/regressions/$harness")
shared=$build/fuzz-seeds/$harness
"$here/seeds_from_shared.sh" "$harness" "$shared" "$root/../shared/data/real" && dirs+=("$shared")

flags=(-timeout=10 -rss_limit_mb=2048 -artifact_prefix="$artifacts/" -print_final_stats=1)
[[ -f $here/dict/$harness.dict ]] && flags+=(-dict="$here/dict/$harness.dict")

case $mode in
smoke)
    # 1. Every saved crash input and seed, once each: a regression run.
    inputs=()
    for d in "${dirs[@]}"; do
        while IFS= read -r -d '' f; do inputs+=("$f"); done < <(find "$d" -type f -print0)
    done
    if ((${#inputs[@]})); then
        "$binary" "${flags[@]}" "${inputs[@]}" >"$artifacts/regressions.log" 2>&1 ||
            { tail -60 "$artifacts/regressions.log"; exit 1; }
        echo "$harness: ${#inputs[@]} seeds and saved crash inputs ran clean"
    fi
    # 2. A short fuzzing run from them, learning into a scratch folder.
    scratch=$(mktemp -d)
    trap 'rm -rf "$scratch"' EXIT
    "$binary" "${flags[@]}" -max_total_time="$seconds" "$scratch" "${dirs[@]}" >"$artifacts/smoke.log" 2>&1 ||
        { tail -60 "$artifacts/smoke.log"; exit 1; }
    grep -E "^#[0-9]+ +DONE|stat::number_of_executed_units" "$artifacts/smoke.log" || true
    ;;
campaign)
    corpus=$build/fuzz-corpus/$harness
    log=$build/fuzz-campaign/$harness.log
    mkdir -p "$corpus" "$(dirname "$log")"
    [[ -n $runs ]] && flags+=(-runs="$runs")
    status=0
    "$binary" "${flags[@]}" -max_total_time="$seconds" "$corpus" "${dirs[@]}" >"$log" 2>&1 || status=$?
    grep -E "^#[0-9]+ +DONE|stat::" "$log" || true
    exit $status
    ;;
*)
    echo "usage: $0 smoke|campaign HARNESS BINARY SECONDS [RUNS]" >&2
    exit 2
    ;;
esac
