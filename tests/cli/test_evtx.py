# SPDX-License-Identifier: MIT
"""The four real .evtx files in ../shared/data/real/evtx are read (docs/evtx.md), and their
events equal the records the corpus README says they hold in real_process_events.jsonl."""
import datetime
import json
import re
import subprocess

import pytest

# file -> (the Source suffix in real_process_events.jsonl, process-creation events per the README)
EVTX = {
    "security_4688_sqlserver_reverse_shell.evtx": ("ID4688-SQL Server payload injectection for reverse shell (MSF).evtx", 140),
    "sysmon_mixed_with_eid1.evtx": ("samples/sysmon.evtx", 227),
    "sysmon1_svchost_masqueraded_execution.evtx": ("be58d2e2-06c8-4f58-b666-b99f6dc3b6cd.evtx", 1),
    "sysmon1_right_to_left_override.evtx": ("ad691d92-15f2-4181-9aa4-723c74f9ddc3.evtx", 1),
}


def key(e):
    t = datetime.datetime.fromisoformat(e["TimeGenerated"].replace("Z", "+00:00"))
    return (e["Process"], e["NewProcessName"], e["Computer"], t.replace(microsecond=t.microsecond // 1000 * 1000))


@pytest.mark.parametrize("name", sorted(EVTX))
def test_evtx_events_equal_the_corpus(masq_bin, shared, name):
    source_suffix, count = EVTX[name]
    r = subprocess.run([masq_bin, "convert", str(shared / "data" / "real" / "evtx" / name)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    got = sorted(key(json.loads(line)) for line in r.stdout.splitlines())
    assert len(got) == count
    expected = []
    for line in (shared / "data" / "real" / "real_process_events.jsonl").read_text(encoding="utf-8").splitlines():
        e = json.loads(line)
        if e["Source"].endswith(source_suffix):
            expected.append(key(e))
    assert got == sorted(expected)


def test_detect_reads_evtx_directly(masq_bin, shared):
    r = subprocess.run([masq_bin, "detect", "-f", "jsonl", str(shared / "data" / "real" / "evtx")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    found = {(f["detector"], f["suspicious_process"]) for f in map(json.loads, r.stdout.splitlines())}
    assert ("rlo", "ann\u202egepj.exe") in found
    assert ("path", "svchost.exe") in found  # CALC.EXE copied as svchost.exe into Downloads


def test_a_corrupt_evtx_is_reported_not_fatal(masq_bin, shared, tmp_path):
    data = (shared / "data" / "real" / "evtx" / "sysmon_mixed_with_eid1.evtx").read_bytes()
    broken = bytearray(data)
    for i in range(70000, 140000):  # overwrite a stretch of chunks
        broken[i] = 0x41
    (tmp_path / "broken.evtx").write_bytes(bytes(broken))
    r = subprocess.run([masq_bin, "detect", "--mode", "seed", "--stats", str(tmp_path / "broken.evtx")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "4688 events" in r.stderr


def test_free_space_fragments_are_a_count_in_the_summary_not_a_warning(masq_bin, shared):
    """Records recovered from a log's free space: what cannot be read or does not validate is
    counted once in the run's summary and in --stats, not warned about per file, and never
    becomes an event."""
    log = shared / "data" / "real" / "evtx" / "sysmon1_svchost_masqueraded_execution.evtx"
    r = subprocess.run([masq_bin, "detect", "-f", "jsonl", "--stats", str(log)], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    assert "warning" not in r.stderr, r.stderr
    assert "event logs' free space: 0 recovered records kept, 68 dropped" in r.stderr
    assert "masq: stats: evtx free space: 0 recovered records kept, 68 dropped" in r.stderr
    assert len(r.stdout.splitlines()) == 1  # the one live record's alert


def test_a_large_log_read_in_chunk_ranges_on_two_threads_gives_the_same_output(masq_bin, shared, tmp_path):
    """A log of 8 MiB or more is read in ranges of whole chunks on several threads (docs/evtx.md):
    a 12 MiB log made of the real logs' chunks (each chunk stands alone) gives the same findings
    and counts (records, events, free space) on one thread and on two."""
    chunks = []
    for name in ("sysmon_mixed_with_eid1.evtx", "security_4688_sqlserver_reverse_shell.evtx"):
        data = (shared / "data" / "real" / "evtx" / name).read_bytes()
        for i in range((len(data) - 4096) // 65536):
            c = data[4096 + i * 65536:4096 + (i + 1) * 65536]
            if c.startswith(b"ElfChnk\0"):
                chunks.append(c)
    header = bytearray(data[:4096])
    count = 192
    header[42:44] = count.to_bytes(2, "little")
    log = tmp_path / "big.evtx"
    log.write_bytes(bytes(header) + b"".join(chunks[i % len(chunks)] for i in range(count)))
    runs = []
    for threads in ("1", "2"):
        detect = subprocess.run([masq_bin, "detect", "-f", "jsonl", "--stats", "-j", threads, str(log)],
                                capture_output=True, text=True, timeout=120)
        assert detect.returncode == 0, detect.stderr
        stats = [line.split("stats: ", 1)[1] for line in detect.stderr.splitlines() if "stats: files" in line]
        runs.append((detect.stdout, stats))
    assert runs[0] == runs[1]
    events = int(re.search(r"kept ([\d,]+), distinct", runs[0][1][0]).group(1).replace(",", ""))
    assert events > 1000  # the chunks' process creations, read in every range
