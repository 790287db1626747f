// The masq HTML report: renders the alerts and the run from the JSON island #masq-data, which
// masq writes with its own JSON writer (docs/report.md). Everything an attacker may have named (a
// process, a path, a host, a command line) is put in the page as text (textContent), never parsed
// as HTML, and bidirectional or invisible characters are shown as escapes (\u202E), as in the
// terminal table, so an RLO name cannot reverse what the analyst reads.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("masq-data").textContent);
  const run = data.run, alerts = data.alerts;
  const LEVELS = ["critical", "high", "medium", "low", "informational"];
  const SVG = "http://www.w3.org/2000/svg";

  // --- text, safely -------------------------------------------------------------------------
  // Bidi controls, zero-width and other invisible characters, C0/C1 controls (Unicode TR #36,
  // "Unicode Security Considerations", 2.3: bidirectional text spoofing).
  const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0]/u;
  function codePoint(ch) { return "U+" + ch.codePointAt(0).toString(16).toUpperCase().padStart(4, "0"); }
  function escapeOf(ch) { return "\\u" + ch.codePointAt(0).toString(16).toUpperCase().padStart(4, "0"); }
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v; else e.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : text(String(c)));
    return e;
  }
  // A fragment of `s` in which hidden characters are visible escapes.
  function text(s) {
    const f = document.createDocumentFragment();
    let run_ = "";
    for (const ch of Array.from(s)) {
      if (HIDDEN.test(ch)) {
        if (run_) { f.append(document.createTextNode(run_)); run_ = ""; }
        const span = document.createElement("span");
        span.className = "escape";
        span.title = "hidden character " + codePoint(ch);
        span.textContent = escapeOf(ch);
        f.append(span);
      } else run_ += ch;
    }
    if (run_) f.append(document.createTextNode(run_));
    return f;
  }
  function script(ch) {
    for (const s of ["Cyrillic", "Greek", "Armenian", "Cherokee", "Latin", "Han", "Arabic", "Hebrew"])
      if (new RegExp("\\p{Script=" + s + "}", "u").test(ch)) return s;
    return "";
  }
  const fmtInt = new Intl.NumberFormat("en-US");
  function n(v) { return v === null || v === undefined ? "" : fmtInt.format(v); }
  function day(t) { return t ? t.replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC") : "unknown"; }

  // --- the differing characters ---------------------------------------------------------------
  // Optimal string alignment (Damerau-Levenshtein without repeated edits of one substring, as the
  // notebook's UDF computes it) with a backtrace: the suspicious name's characters that are not
  // matched one-to-one by the imitated name's are marked.
  function differing(a, b) {
    const A = Array.from(a.toLowerCase()), B = Array.from(b.toLowerCase());
    const d = Array.from({ length: A.length + 1 }, (_, i) => Array(B.length + 1).fill(0).map((_, j) => (i === 0 ? j : j === 0 ? i : 0)));
    for (let i = 1; i <= A.length; i++)
      for (let j = 1; j <= B.length; j++) {
        const cost = A[i - 1] === B[j - 1] ? 0 : 1;
        d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && A[i - 1] === B[j - 2] && A[i - 2] === B[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    const marked = new Set();
    let i = A.length, j = B.length;
    while (i > 0 || j > 0) {
      if (i > 0 && j > 0 && A[i - 1] === B[j - 1] && d[i][j] === d[i - 1][j - 1]) { i--; j--; continue; }
      if (i > 1 && j > 1 && A[i - 1] === B[j - 2] && A[i - 2] === B[j - 1] && d[i][j] === d[i - 2][j - 2] + 1) { marked.add(i - 1); marked.add(i - 2); i -= 2; j -= 2; continue; }
      if (i > 0 && j > 0 && d[i][j] === d[i - 1][j - 1] + 1) { marked.add(i - 1); i--; j--; continue; }
      if (i > 0 && d[i][j] === d[i - 1][j] + 1) { marked.add(i - 1); i--; continue; }
      j--;
    }
    return marked;
  }
  function highlighted(name, other) {
    const span = el("span", { class: "names" });
    const marked = other && other !== name ? differing(name, other) : new Set();
    Array.from(name).forEach((ch, k) => {
      const part = text(ch);
      span.append(marked.has(k) ? el("mark", { title: codePoint(ch) }, part) : part);
    });
    return span;
  }
  // "о U+043E Cyrillic" for every character outside printable ASCII.
  function unusualCharacters(name) {
    const seen = new Map();
    for (const ch of Array.from(name)) {
      const c = ch.codePointAt(0);
      if ((c < 0x20 || c > 0x7e) && !seen.has(ch)) seen.set(ch, script(ch));
    }
    if (!seen.size) return null;
    const parts = [];
    for (const [ch, s] of seen) parts.push((HIDDEN.test(ch) ? escapeOf(ch) : ch) + " " + codePoint(ch) + (s ? " " + s : ""));
    return el("span", { class: "chars" }, "characters: " + parts.join(", "));
  }

  // --- summary --------------------------------------------------------------------------------
  function tile(title, ...body) { return el("div", { class: "tile" }, el("h3", {}, title), ...body); }
  function countTable(rows) {
    const t = el("table");
    for (const [k, v] of rows) t.append(el("tr", {}, el("td", {}, k instanceof Node ? k : text(String(k))), el("td", { class: "n" }, n(v))));
    return t;
  }
  function renderSummary() {
    document.getElementById("run-line").textContent =
      `${run.mode} mode · ${n(run.files)} file(s), ${n(run.events)} process-creation events of ${n(run.distinct_names)} distinct names on ${n(run.hosts)} host(s) · ` +
      `${day(run.first_seen)} to ${day(run.last_seen)} · generated ${day(run.generated)}`;
    const byLevel = new Map(LEVELS.map((l) => [l, 0])), byDetector = new Map(), byHost = new Map();
    for (const a of alerts) {
      byLevel.set(a.level, (byLevel.get(a.level) || 0) + 1);
      for (const d of a.detections) byDetector.set(d.detector, (byDetector.get(d.detector) || 0) + 1);
      for (const h of a.hosts) byHost.set(h.host, (byHost.get(h.host) || 0) + 1);
    }
    const s = document.getElementById("summary");
    s.append(tile("Alerts", el("div", { class: "big", id: "alert-count" }, n(alerts.length)),
      countTable([...byLevel].filter(([, v]) => v).map(([l, v]) => [el("span", { class: "badge level-" + l }, l), v]))));
    s.append(tile("By detector", countTable([...byDetector].sort((x, y) => y[1] - x[1]))));
    s.append(tile("Top hosts (alerts)", countTable([...byHost].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).slice(0, 8))));
    const read = [["files", run.files], ["records", run.records], ["events", run.events], ["distinct names", run.distinct_names], ["hosts", run.hosts]];
    if (run.suppressed) read.push(["suppressed (allow-list)", run.suppressed]);
    if (run.below_level) read.push(["below --min-level", run.below_level]);
    s.append(tile("Read", countTable(read)));
    return byHost;
  }

  // An SVG element with its attributes (and text), appended to `parent` when one is given.
  function svgElement(parent, tag, attrs, content) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (content !== undefined) e.textContent = content;
    if (parent) parent.append(e);
    return e;
  }

  // --- the notebook's view: counts by percent_rank -------------------------------------------
  function renderChart() {
    const W = 1000, H = 260, L = 56, R = 16, T = 14, B = 34;
    const svg = svgElement(null, "svg", { viewBox: `0 0 ${W} ${H}`, role: "img",
      "aria-label": "events per name against percent_rank, thresholds marked" });
    const add = (tag, attrs, content) => svgElement(svg, tag, attrs, content);
    const curve = run.curve || [];
    const maxCount = Math.max(1, ...curve.map((p) => p[1]), ...alerts.map((a) => a.suspicious_count || 0));
    const x = (r) => L + r * (W - L - R);
    const y = (c) => H - B - (Math.log10(Math.max(1, c)) / Math.log10(Math.max(10, maxCount))) * (H - T - B);
    const f = run.thresholds.frequent, i = run.thresholds.infrequent;
    add("rect", { class: "zone", x: x(0), y: T, width: x(i) - x(0), height: H - T - B });
    add("rect", { class: "zone", x: x(f), y: T, width: x(1) - x(f), height: H - T - B });
    for (const [r, label] of [[i, "infrequent < " + i], [f, "frequent ≥ " + f]]) {
      add("line", { class: "threshold", x1: x(r), x2: x(r), y1: T, y2: H - B });
      add("text", { x: x(r) + 4, y: T + 12 }, label);
    }
    for (let p = 0; p <= Math.log10(Math.max(10, maxCount)); p++) {
      add("text", { x: L - 6, y: y(10 ** p) + 4, "text-anchor": "end" }, n(10 ** p));
    }
    for (const r of [0, 0.25, 0.5, 0.75, 1]) add("text", { x: x(r), y: H - B + 16, "text-anchor": "middle" }, r.toFixed(2));
    add("text", { x: (L + W - R) / 2, y: H - 4, "text-anchor": "middle" }, "percent_rank of the name's event count (Spark's, as the notebook ranks)");
    add("line", { x1: L, x2: W - R, y1: H - B, y2: H - B, stroke: "#d9dde5" });
    if (curve.length) add("polyline", { class: "curve", points: curve.map((p) => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(" ") });
    const style = getComputedStyle(document.documentElement);
    alerts.forEach((a, k) => {
      const dot = add("circle", { class: "dot level-" + a.level, cx: x(a.suspicious_percent_rank || 0), cy: y(a.suspicious_count || 1), r: 4.5,
        fill: style.getPropertyValue("--" + a.level) || "#c0392b" });
      svgElement(dot, "title", {}, `${a.suspicious_process}: ${a.suspicious_count} events, percent_rank ${(a.suspicious_percent_rank || 0).toFixed(3)}`);
      dot.dataset.alert = String(k);
    });
    document.getElementById("chart").append(svg);
  }

  // --- one card per alert ---------------------------------------------------------------------
  function timeline(a) {
    const times = (a.samples || []).map((s) => s.time).filter(Boolean).map((t) => Date.parse(t)).filter((t) => !Number.isNaN(t));
    const first = a.first_seen ? Date.parse(a.first_seen) : Math.min(...times), last = a.last_seen ? Date.parse(a.last_seen) : Math.max(...times);
    if (!Number.isFinite(first) || !Number.isFinite(last)) return null;
    const svg = svgElement(null, "svg", { class: "timeline", viewBox: "0 0 520 34" });
    const add = (tag, attrs, content) => svgElement(svg, tag, attrs, content);
    const x = (t) => (last > first ? 10 + ((t - first) / (last - first)) * 500 : 260);
    add("line", { class: "axis", x1: 10, x2: 510, y1: 12, y2: 12 });
    for (const t of times) add("circle", { cx: x(t), cy: 12, r: 4 });
    add("text", { x: 10, y: 30 }, day(a.first_seen));
    add("text", { x: 510, y: 30, "text-anchor": "end" }, day(a.last_seen));
    return svg;
  }
  function counts(list, key) {
    if (!list || !list.length) return "none logged";
    const ul = el("ul");
    for (const v of list) ul.append(el("li", {}, el("span", { class: "mono" }, text(v[key])), ` (${n(v.count)})`));
    return ul;
  }
  function card(a, k) {
    const c = el("article", { class: "card " + a.level, id: "alert-" + k });
    const h = el("h3", {}, el("span", { class: "badge level-" + a.level }, a.level), highlighted(a.suspicious_process, a.normal_process));
    if (a.normal_process && a.normal_process !== a.suspicious_process) h.append(el("span", {}, "imitates"), el("span", { class: "names" }, text(a.normal_process)));
    c.append(h);
    const chars = unusualCharacters(a.suspicious_process);
    if (chars) c.append(chars);
    const dl = el("dl");
    const row = (k_, v) => { if (v !== null && v !== undefined && v !== "") dl.append(el("dt", {}, k_), el("dd", {}, v)); };
    row("why", text(a.reason || ""));
    const det = el("ul");
    for (const d of a.detections) det.append(el("li", {}, el("b", {}, d.detector), ` ${d.technique} · score ${Number(d.score).toFixed(2)} · `, text(d.reason || "")));
    row("detections", det);
    if (a.expected) row("expected", el("span", { class: "mono" }, text(a.expected)));
    row("paths as logged", counts(a.suspicious_paths, "path"));
    row(`hosts (${n(a.distinct_hosts)})`, counts(a.hosts, "host"));
    if (a.parents && a.parents.length) row("parents", counts(a.parents, "parent"));
    row("events", `${n(a.suspicious_count)} (percent_rank ${(a.suspicious_percent_rank || 0).toFixed(3)})` +
      (a.normal_process && a.normal_process !== a.suspicious_process ? ` · ${a.normal_process}: ${n(a.normal_count)}` : ""));
    row("seen", timeline(a));
    c.append(dl);
    if (a.samples && a.samples.length) {
      const t = el("table", { class: "samples" }, el("thead", {}, el("tr", {}, ...["time", "host", "user", "parent", "command line", "source"].map((s) => el("th", {}, s)))));
      const body = el("tbody");
      for (const s of a.samples)
        body.append(el("tr", {}, el("td", {}, day(s.time)), el("td", {}, text(s.host || "")), el("td", {}, text(s.user || "")),
          el("td", { class: "mono" }, text(s.parent || "")), el("td", { class: "mono" }, text(s.command_line || "")),
          el("td", { class: "mono" }, text((s.source || "") + (s.record_id !== null && s.record_id !== undefined ? " #" + s.record_id : s.line ? ":" + s.line : "")))));
      t.append(body);
      c.append(t);
    }
    return c;
  }

  // --- the table: sort and filter without a server --------------------------------------------
  function renderTable(byHost) {
    const tbody = document.querySelector("#alert-table tbody"), cards = document.getElementById("cards");
    const rows = alerts.map((a, k) => {
      const tr = el("tr", { "data-index": String(k) },
        el("td", {}, el("span", { class: "badge level-" + a.level }, a.level)),
        el("td", {}, el("a", { href: "#alert-" + k }, highlighted(a.suspicious_process, a.normal_process))),
        el("td", { class: "mono" }, text(a.normal_process || "")),
        el("td", {}, a.detections.map((d) => d.detector).join(", ")),
        el("td", { class: "n" }, Number(a.score).toFixed(2)),
        el("td", { class: "n" }, n(a.suspicious_count)),
        el("td", { class: "n" }, n(a.distinct_hosts)));
      tbody.append(tr);
      const c = card(a, k);
      cards.append(c);
      return { a, tr, c };
    });
    const fill = (id, values) => { const s = document.getElementById(id); for (const v of values) s.append(el("option", { value: v }, text(v))); };
    fill("filter-level", LEVELS.filter((l) => alerts.some((a) => a.level === l)));
    fill("filter-detector", [...new Set(alerts.flatMap((a) => a.detections.map((d) => d.detector)))].sort());
    fill("filter-host", [...byHost.keys()].sort());
    const apply = () => {
      const level = document.getElementById("filter-level").value, det = document.getElementById("filter-detector").value;
      const host = document.getElementById("filter-host").value, q = document.getElementById("filter-text").value.toLowerCase();
      let shown = 0;
      for (const { a, tr, c } of rows) {
        const ok = (!level || a.level === level) && (!det || a.detections.some((d) => d.detector === det)) &&
          (!host || a.hosts.some((h) => h.host === host)) &&
          (!q || [a.suspicious_process, a.normal_process, a.reason, ...a.suspicious_paths.map((p) => p.path)].join("\n").toLowerCase().includes(q));
        tr.classList.toggle("hidden", !ok);
        c.classList.toggle("hidden", !ok);
        shown += ok;
      }
      document.getElementById("shown-count").textContent = `${shown} of ${alerts.length} shown`;
    };
    for (const id of ["filter-level", "filter-detector", "filter-host", "filter-text"])
      for (const event of ["input", "change"]) document.getElementById(id).addEventListener(event, apply);
    const rank = (a, key) => (key === "level" ? LEVELS.indexOf(a.level) : key === "detector" ? a.detections.map((d) => d.detector).join(",") : a[key]);
    for (const th of document.querySelectorAll("#alert-table th")) {
      th.addEventListener("click", () => {
        const key = th.dataset.key, dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        for (const o of document.querySelectorAll("#alert-table th")) o.setAttribute("aria-sort", "none");
        th.setAttribute("aria-sort", dir);
        const sign = dir === "ascending" ? 1 : -1;
        rows.sort((x, y) => { const p = rank(x.a, key), q = rank(y.a, key); return (p < q ? -1 : p > q ? 1 : 0) * sign; });
        for (const r of rows) tbody.append(r.tr);
      });
    }
    apply();
  }

  const byHost = renderSummary();
  renderChart();
  renderTable(byHost);
  document.body.dataset.rendered = "true";
})();
