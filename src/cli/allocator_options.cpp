// SPDX-License-Identifier: MIT
// jemalloc's options for the masq executable, read by jemalloc at its first allocation
// (jemalloc(3), "malloc_conf"; MALLOC_CONF in the environment still overrides them). Compiled only
// when the executable links jemalloc (CMakeLists.txt, MASQ_ALLOCATOR).
//
// thp:always asks the kernel for transparent huge pages on jemalloc's memory (Debian's default THP
// mode is madvise, so nothing else would): a million-name run touches a few GB of fresh memory,
// and the page faults of 4 KiB pages took about a tenth of its CPU, while the join's index probes
// missed the TLB. Measured on the cardinality benchmark (bench/RESULTS.md, "Huge pages"): 1M names
// seed 10.5-10.9 s -> 8.9-9.3 s, 100k 0.72 -> 0.62 s, the 1 GB few-name export 0.89 -> 0.71 s,
// for 13-170 MB more peak RSS.

extern "C" {
// NOLINTNEXTLINE: the name and type are jemalloc's interface.
const char* malloc_conf = "thp:always,metadata_thp:always";
}
