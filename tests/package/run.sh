#!/usr/bin/env bash
# The installed package works for a consumer: installs the build tree into a temporary prefix
# (`cmake --install`), configures and builds tests/package against it with find_package(masq),
# runs the consumer on tests/package/events.jsonl and checks its findings, and checks that the
# installed masq executable finds as many.
#
#   tests/package/run.sh BUILD_DIR [CMAKE] [CXX_COMPILER]    (ctest runs it as `package_consumer`)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "$1" && pwd)"
cmake="${2:-cmake}"
cxx="${3:-}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"

"$cmake" --install "$build" --prefix "$prefix" >"$tmp/install.log"
for f in lib/libmasq.a include/masq/masq.h include/masq/match/similarity.h include/masq/detect/catalog.h \
         include/masq/util/text.h lib/cmake/masq/masqConfig.cmake lib/cmake/masq/masqConfigVersion.cmake \
         lib/cmake/masq/masqTargets.cmake bin/masq; do
    [[ -e "$prefix/$f" ]] || { echo "not installed: $f" >&2; cat "$tmp/install.log" >&2; exit 1; }
done

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
"$cmake" -S "$here" -B "$tmp/consumer" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$prefix" ${cxx:+-DCMAKE_CXX_COMPILER="$cxx"} >"$tmp/configure.log" ||
    { cat "$tmp/configure.log" >&2; exit 1; }
"$cmake" --build "$tmp/consumer" >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log" >&2; exit 1; }

out="$("$tmp/consumer/masq_consumer" "$here/events.jsonl")"
echo "$out"
expect() { grep -qxF -- "$1" <<<"$out" || { echo "consumer output lacks the line: $1" >&2; exit 1; }; }
expect "events: 8"
expect "findings: 2"
expect "name-similarity scvhost.exe svchost.exe"
expect "path lsass.exe -" # a wrong-folder alert imitates no other name

cli="$("$prefix/bin/masq" detect --format jsonl "$here/events.jsonl" 2>/dev/null | grep -c '"type":"finding"' || true)"
[[ "$cli" == 2 ]] || { echo "installed masq found $cli findings, expected 2" >&2; exit 1; }
echo "package_consumer: ok"
