#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Deterministic SecurityEvent export JSON lines that probe the notebook's exact rules.

    python3 tests/parity/gen_dataset.py --seed N --events 20000 --out FILE

The same seed always gives the same file. The data is shaped like a Log Analytics data export of
`SecurityEvent` (one object per line, EventID a JSON number, TimeGenerated ISO-8601 with 0-7
fraction digits) and is built so that a re-implementation that gets any of these wrong disagrees
with the notebook on at least one seed:

- counts: Zipf-like with many ties, so percent_rank's shared minimum rank decides who is frequent
  (>= 0.8) and infrequent (< 0.2), and the split moves from seed to seed;
- look-alikes of frequent names with 1-3 edits of every kind, including a transposition with a
  letter in between ('ca' -> 'abc'), where true Damerau-Levenshtein (2) and OSA (3) disagree, on
  stems of 13-18 letters where that decides the flag;
- the 0.85 boundary: 3 edits on a 20-letter stem and 6 on a 40-letter one give exactly 0.85,
  which the notebook flags (float32); one more edit, or the same edits on a 19- or 39-letter
  stem, does not;
- the extension rule: names without a dot, trailing dots, dots inside the stem, and differing
  extensions (.exe/.com/.scr/.bat) that make the full names be compared;
- lower-casing: mixed case, Cyrillic and Greek letters (upper and lower case), 'İ' (lower-cases to
  two code points), a final sigma, the Kelvin sign (lower-cases to ASCII 'k'), an emoji (one code
  point, two UTF-16 units), written both raw and as \\u escapes;
- the EventID filter: the number 4688 and the string "4688" match; 4624, 4689, 1, 4688.0, " 4688",
  null and missing do not; a missing or null Process forms the null-name group;
- lines both readers drop: truncated JSON, bare words, blank lines.

Only inputs on which Spark's reader and masq are meant to agree are written (for example, no
Process given as a number and no text after the closing brace).
"""
import argparse
import datetime as dt
import json
import random

# Names a Windows fleet runs a lot; the frequent side of the comparison.
COMMON = [
    "svchost.exe", "explorer.exe", "conhost.exe", "csrss.exe", "lsass.exe", "services.exe", "winlogon.exe",
    "wininit.exe", "smss.exe", "spoolsv.exe", "taskhostw.exe", "dllhost.exe", "rundll32.exe", "cmd.exe",
    "powershell.exe", "sihost.exe", "ctfmon.exe", "msmpeng.exe", "wmiprvse.exe", "audiodg.exe", "dwm.exe",
    "iexplore.exe", "chrome.exe", "notepad.exe", "nbtstat.exe", "netstat.exe", "tracert.exe", "cscript.exe",
    "wscript.exe", "more.com", "mode.com", "chcp.com", "userinit.exe", "dnscmd.exe", "nslookup.exe",
    "at.exe", "sc.exe", "systemd", "bash", "init",
]
# Stems of 13-18 letters: a gapped transposition (true DL 2, OSA 3) is flagged only by true DL.
LONG_STEMS = ["searchindexer", "runtimebroker", "compattelrunner", "musnotification", "backgroundtaskhost",
              "securityhealthsvc", "fontdrvhostsvc"]
ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789_-"
# Latin letter -> look-alike lower-case letters (Cyrillic, Greek) whose case round-trips.
HOMOGLYPHS = {"o": "\u043e\u03bf", "a": "\u0430", "e": "\u0435", "c": "\u0441", "p": "\u0440",
              "x": "\u0445", "s": "\u0455", "i": "\u0456", "y": "\u0443"}
# Raw Process values written exactly as given (case not changed), with how many events each.
UNICODE_RAW = [
    ("SVCH\u041eST.EXE", 1),        # Cyrillic capital O: lower-cases to a look-alike of svchost.exe
    ("svch\u03bfst.exe", 1),        # Greek omicron ...
    ("SVCH\u039fST.EXE", 1),        # ... and its capital: both land in one group of 2
    ("\u0130EXPLORE.EXE", 1),       # 'İ' -> 'i' + U+0307: one insertion away from iexplore.exe
    ("W\u0130NLOGON.EXE", 1),
    ("\u03a3VCHOST.EXE", 1),        # capital sigma at the start -> 'σ'
    ("\u03a3\u039f\u03a6\u039f\u03a3.EXE", 1),  # sigma before '.EXE' stays 'σ' (not word-final)
    ("\u039f\u0394\u039f\u03a3", 2),  # no dot: final sigma -> 'ς'
    ("SVCHOS\u03a3", 1),            # final sigma again; same group as the next line
    ("svchos\u03c2", 1),
    ("svch\U0001f600st.exe", 1),    # an emoji is one code point: one substitution
    ("explorer\U0001f600.exe", 1),
    ("\U0001f600.exe", 1),
    ("TAS\u212aHOSTW.EXE", 5),      # Kelvin sign lower-cases to ASCII 'k': these join taskhostw.exe
    ("GRO\u1e9e.EXE", 1),           # capital sharp s -> 'ß'
    ("\u0441md.exe", 1),            # Cyrillic es: a 3-letter look-alike, never flagged
]
# How often a rare name has 1, 2, 3 or 4 events, picked by seed: the fewer count-1 names, the
# more of the low counts rank below 0.2, so the infrequent cut is {1}, {1, 2} or {1, 2, 3}.
RARE_WEIGHTS = [[70, 20, 8, 2], [10, 30, 30, 30], [2, 8, 45, 45]]
OTHER_EVENT_IDS = [4624, 4689, 1, "4624", 4688.0, " 4688", "4688 ", None]


def word(rng, length):
    """A pronounceable-ish lower-case stem of exactly `length` letters."""
    consonants, vowels = "bcdfghklmnprstvwz", "aeiou"
    return "".join(rng.choice(vowels if i % 2 else consonants) for i in range(length))


def split_ext(name):
    dot = name.rfind(".")
    return (name, "") if dot == -1 else (name[:dot], name[dot:])


def edit(rng, stem, kind):
    """One edit of `kind` on `stem`; returns None when the stem is too short for it."""
    n = len(stem)
    if kind == "sub" and n:
        i = rng.randrange(n)
        return stem[:i] + rng.choice([c for c in ALPHABET if c != stem[i]]) + stem[i + 1:]
    if kind == "ins":
        i = rng.randrange(n + 1)
        return stem[:i] + rng.choice(ALPHABET) + stem[i:]
    if kind == "del" and n > 1:
        i = rng.randrange(n)
        return stem[:i] + stem[i + 1:]
    pairs = [i for i in range(n - 1) if stem[i] != stem[i + 1]]
    if kind == "swap" and pairs:
        i = rng.choice(pairs)
        return stem[:i] + stem[i + 1] + stem[i] + stem[i + 2:]
    if kind == "gap" and pairs:  # 'ca' -> 'abc'
        i = rng.choice(pairs)
        middle = rng.choice([c for c in ALPHABET if c not in stem[i:i + 2]])
        return stem[:i] + stem[i + 1] + middle + stem[i] + stem[i + 2:]
    if kind == "homoglyph":
        spots = [i for i, c in enumerate(stem) if c in HOMOGLYPHS]
        if spots:
            i = rng.choice(spots)
            return stem[:i] + rng.choice(HOMOGLYPHS[stem[i]]) + stem[i + 1:]
    return None


def exact_substitutions(rng, stem, count):
    """`stem` with `count` digits put at non-adjacent places: distance exactly `count`."""
    places = sorted(rng.sample(range(0, len(stem), 2), count))
    chars = list(stem)
    for place in places:
        chars[place] = rng.choice("0123456789")
    return "".join(chars)


class Dataset:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.rare_weights = RARE_WEIGHTS[seed % len(RARE_WEIGHTS)]
        self.counts = {}  # canonical (lower-case) or raw name -> events
        self.raw = set()  # names written exactly as given (no case games)

    def add(self, name, count, raw=False):
        """A name and its events; a name already present keeps its count."""
        if count <= 0 or name in self.counts:
            return
        self.counts[name] = count
        if raw:
            self.raw.add(name)

    def rare_count(self):
        return self.rng.choices([1, 2, 3, 4], weights=self.rare_weights)[0]

    def build(self, events):
        rng = self.rng

        # Frequent side: common names, long stems, boundary stems of 19/20/21 and 39/40/41 letters.
        # They are entered first so that no look-alike takes their place; counts come last.
        frequent = list(COMMON) + [s + ".exe" for s in LONG_STEMS]
        boundary = {length: word(rng, length) for length in (19, 20, 21, 39, 40, 41)}
        frequent += [stem + ".exe" for stem in boundary.values()]
        frequent.append(word(rng, 9) + "." + word(rng, 6) + ".exe")  # a dot inside the stem
        rng.shuffle(frequent)
        for name in frequent:
            self.counts[name] = 0

        # Middle of the ranking: neither frequent nor infrequent.
        for _ in range(rng.randint(20, 60)):
            self.add(word(rng, rng.randint(4, 12)) + rng.choice([".exe", ".exe", ".dll", ""]), rng.randint(3, 40))

        # Look-alikes of the frequent names: 1-3 edits of any kind, the extension kept.
        kinds = ["sub", "ins", "del", "swap", "gap", "homoglyph"]
        for name in frequent:
            stem, ext = split_ext(name)
            for _ in range(rng.randint(1, 4)):
                variant = stem
                for kind in rng.choices(kinds, k=rng.choices([1, 2, 3], weights=[6, 3, 1])[0]):
                    variant = edit(rng, variant, kind) or variant
                self.add(variant + ext, self.rare_count(), raw=variant.upper().lower() != variant)
            if ext and rng.random() < 0.5:  # the same stem with another extension or none
                other = rng.choice([e for e in [".exe", ".com", ".scr", ".bat", "", "."] if e != ext])
                self.add(stem + other, self.rare_count())
        for stem in LONG_STEMS:  # true DL 2, OSA 3: flagged only under true DL
            self.add(edit(rng, stem, "gap") + ".exe", 1)

        # Exactly at and just past the 0.85 boundary.
        for length, stem in boundary.items():
            edits = 3 if length < 30 else 6
            self.add(exact_substitutions(rng, stem, edits) + ".exe", 1)
            self.add(exact_substitutions(rng, stem, edits + 1) + ".exe", self.rare_count())
            self.add(stem[:-edits] + ".exe", self.rare_count())  # deletions only: max length unchanged

        # Short names, dots in odd places, raw Unicode.
        for name in ["a.exe", "ab.exe", "x", "ab", "r.com", "sd.exe", "c.exe", ".exe", "svchost.",
                     "svc.host.exe", "svchost.exe.exe", "svchost", "svch0st"]:
            self.add(name, self.rare_count())
        for name, count in UNICODE_RAW:
            self.add(name, count, raw=True)
        for _ in range(rng.randint(10, 80)):  # unrelated rare names: more ties at the bottom
            self.add(word(rng, rng.randint(1, 16)) + ".exe", self.rare_count())

        # The null-name group ranges from absent to frequent; the empty name is a group of its own.
        self.null_count = rng.choice([0, 1, 3, 40, events // 15])
        self.add("", rng.choice([0, 1, 2]))

        # Zipf-like counts for the frequent side take the rest of the events, with some ties.
        budget = max(events - sum(self.counts.values()) - self.null_count, 0)
        weights = [1 / (i + 1) ** 0.8 for i in range(len(frequent))]
        for i, name in enumerate(frequent):
            count = max(5, round(budget * weights[i] / sum(weights)))
            if i and rng.random() < 0.15:
                count = self.counts[frequent[i - 1]]
            self.counts[name] = count

    def process_text(self, name):
        """How one event writes a name: the case changes, the lower-cased name does not."""
        if name in self.raw:
            return name
        style = self.rng.random()
        if style < 0.55:
            return name
        if style < 0.75:
            return name.upper()
        if style < 0.85:
            return name.capitalize()
        return "".join(c.upper() if self.rng.random() < 0.5 else c for c in name)

    def record(self, process, event_id=4688, process_key="value"):
        rng = self.rng
        day = dt.datetime(2024, 5, 1, tzinfo=dt.timezone.utc)
        when = day + dt.timedelta(microseconds=rng.randrange(86_400_000_000))
        digits = rng.randint(0, 7)
        fraction = ("." + f"{when.microsecond:06d}{rng.randrange(10)}"[:digits]) if digits else ""
        fields = [
            ("TimeGenerated", when.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"),
            ("Computer", f"HOST-{rng.randrange(1, 40):02d}.corp.example"),
            ("Account", rng.choice(["CORP\\alice", "CORP\\bob", "NT AUTHORITY\\SYSTEM"])),
            ("Type", "SecurityEvent"),
        ]
        if event_id != "missing":
            fields.append(("EventID", event_id))
        if process is not None:
            folder = rng.choice(["C:\\Windows\\System32\\"] * 4 + ["C:\\Users\\Public\\", "C:\\Windows\\Temp\\"])
            fields.append(("NewProcessName", folder + process))
        if process_key == "value":
            fields.append(("Process", process))
        elif process_key == "null":
            fields.append(("Process", None))
        rng.shuffle(fields)
        # Mostly raw UTF-8 as the export writes; sometimes \\u escapes (surrogate pairs for emoji).
        return json.dumps(dict(fields), ensure_ascii=rng.random() < 0.2)

    def lines(self):
        rng = self.rng
        out = []
        for name in sorted(self.counts):
            for _ in range(self.counts[name]):
                out.append(self.record(self.process_text(name), event_id=4688 if rng.random() < 0.9 else "4688"))
        for _ in range(self.null_count):
            out.append(self.record(None, process_key=rng.choice(["missing", "null"])))
        # Events the EventID filter removes; their names would otherwise be look-alikes.
        names = sorted(self.counts)
        for _ in range(max(20, len(out) // 20)):
            event_id = rng.choice(OTHER_EVENT_IDS + ["missing"])
            out.append(self.record(self.process_text(rng.choice(names)) + rng.choice(["", "x"]), event_id))
        # Lines both readers drop: cut anywhere, down to only the closing brace missing.
        for _ in range(rng.randint(3, 8)):
            line = rng.choice(out)
            out.append(line[:rng.choice([len(line) - 1, rng.randint(1, len(line) - 1)])])
        out += ["garbage", "not json at all", "", "   "]
        rng.shuffle(out)
        return out


def generate(seed, events):
    dataset = Dataset(seed)
    dataset.build(events)
    return dataset.lines()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--events", type=int, default=20000, help="about how many 4688 events (default 20000)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    with open(args.out, "w", encoding="utf-8", newline="\n") as out:
        for line in generate(args.seed, args.events):
            out.write(line + "\n")


if __name__ == "__main__":
    main()
