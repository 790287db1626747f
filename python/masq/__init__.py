# SPDX-License-Identifier: MIT
"""masq: find masquerading process names in Windows process-creation logs.

The heavy lifting is the C++ core (``masq._core``), the same code as the ``masq`` CLI, so
``masq.detect`` returns exactly the findings of ``masq detect --format jsonl`` on the same data.

    >>> import masq
    >>> findings = masq.detect("real_process_events.jsonl", mode="seed")
    >>> masq.similarity("svchost", "scvhost")
    0.8571428571428571

See docs/python.md. ``masq.spark`` runs the aggregation in Spark and the matching here.
"""
from __future__ import annotations

import datetime as _dt
import os
import pathlib
import warnings
from typing import Any, Iterable, Optional, Union

from . import _core
from ._core import MasqError

__all__ = ["detect", "detectors", "report", "send", "similarity", "seed_score", "synth", "MasqError", "InputWarning",
           "FINDING_FIELDS", "time_text",
           "FINDING_SCHEMA", "SAMPLE_SCHEMA", "EVENT_COLUMNS"]
__version__ = "0.1.0"

#: The finding schema (data/schema/finding.tsv, compiled into the core): one dict per field with
#: its type, CSV flag, Sentinel column and description. Every output follows it.
FINDING_SCHEMA = _core.finding_schema()
#: The fields of a sample event (data/schema/sample.tsv), a finding's ``samples``.
SAMPLE_SCHEMA = _core.sample_schema()
#: The columns of a findings DataFrame, in the order of `masq detect --format jsonl` (without "type").
FINDING_FIELDS = [f["field"] for f in FINDING_SCHEMA]

#: The event columns masq reads from a DataFrame or Arrow table (SecurityEvent's names, the core's list).
EVENT_COLUMNS = [c["name"] for c in _core.event_columns()]
_INTEGER_COLUMNS = {c["name"] for c in _core.event_columns() if c["integer"]}

PathLike = Union[str, os.PathLike]


def _is_paths(source: Any) -> bool:
    if isinstance(source, (str, os.PathLike)):
        return True
    return isinstance(source, (list, tuple)) and all(isinstance(s, (str, os.PathLike)) for s in source)


def _arrow_table(source: Any):
    """A pyarrow Table holding only the columns masq reads, in types the C++ reader takes as they are."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(source, pa.Table):
        table = source
    elif isinstance(source, pa.RecordBatch):
        table = pa.Table.from_batches([source])
    elif _is_pandas(source):
        # pandas object columns become Arrow strings here (a copy; Arrow-backed string columns are not copied).
        table = pa.Table.from_pandas(source, preserve_index=False)
    elif hasattr(source, "__arrow_c_stream__"):
        table = pa.table(source)  # polars, DuckDB, another Arrow library: buffers imported, not copied
    else:
        raise TypeError(
            f"masq.detect: source must be paths, a pandas DataFrame or an Arrow table (an object with "
            f"__arrow_c_stream__), not {type(source).__name__}")

    columns, names = [], []
    for name in EVENT_COLUMNS:
        if name not in table.column_names:
            continue
        col = table.column(name)
        t = col.type
        if name in _INTEGER_COLUMNS and pa.types.is_integer(t):
            col = pc.cast(col, pa.int64())
        elif name in _INTEGER_COLUMNS and pa.types.is_floating(t):
            # pandas turns an integer column with gaps into floats; 4688.0 is the event 4688 there.
            integral = pc.equal(col, pc.floor(col))
            col = pc.if_else(integral, pc.cast(col, pa.int64(), safe=False), pa.scalar(None, pa.int64()))
        elif name == "TimeGenerated" and pa.types.is_timestamp(t):
            pass
        elif pa.types.is_string(t) or pa.types.is_large_string(t):
            pass
        elif (pa.types.is_null(t) or (pa.types.is_dictionary(t) and _is_text(t.value_type))
              or _is_text(t)):
            # string_view (polars), dictionary (pandas categorical), an all-null column: one cast.
            col = pc.cast(col, pa.large_string())
        # Anything else goes to the core as it is, which refuses it with the column's name and type.
        columns.append(col)
        names.append(name)
    if not names:
        raise ValueError(f"masq.detect: the table has none of the columns {', '.join(EVENT_COLUMNS)}")
    return pa.Table.from_arrays(columns, names=names)


def _is_text(t) -> bool:
    import pyarrow as pa

    return (pa.types.is_string(t) or pa.types.is_large_string(t)
            or (hasattr(pa.types, "is_string_view") and pa.types.is_string_view(t)))


def _is_pandas(source: Any) -> bool:
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        return False
    return isinstance(source, pd.DataFrame)


class InputWarning(UserWarning):
    """The input gave the detectors nothing to work on (no process creation, no process name,
    everything outside the window): the empty result is not "nothing found"."""


def findings_frame(result: dict):
    """The C++ result as a pandas DataFrame with FINDING_FIELDS; summary and problems in ``attrs``.

    The rows are the JSON lines of ``masq detect -f jsonl``, parsed; times (``time?`` in the schema)
    become ``datetime64[ns, UTC]`` (NaT when absent), optional text stays None.
    """
    import json

    import pandas as pd

    findings = [json.loads(line) for line in result["findings_jsonl"].splitlines() if line]
    frame = _alerts_type()(findings, columns=FINDING_FIELDS)
    for field in FINDING_SCHEMA:
        name = field["field"]
        if field["type"] == "time?":
            frame[name] = pd.to_datetime(pd.Series([f[name] for f in findings], dtype=object, index=frame.index),
                                         utc=True, format="ISO8601").astype("datetime64[ns, UTC]")  # 100 ns ticks
        elif field["type"] == "string?":
            # pandas' string dtype would turn None into NaN.
            frame[name] = pd.Series([f[name] for f in findings], dtype=object, index=frame.index)
    frame.attrs["summary"] = result["summary"]
    frame.attrs["problems"] = result["problems"]
    frame.attrs["warnings"] = list(result.get("warnings", []))
    if "report_run" in result:
        frame.attrs["report_run"] = result["report_run"]  # what masq.report shows of the run
    return frame


_ALERTS = None


def _alerts_type():
    """``masq.detect``'s DataFrame type: a pandas DataFrame (every pandas operation works, and
    keeps the type) whose notebook view (``_repr_html_``) shows each alert with hidden characters
    as ``<U+202E>``, as the terminal table does, so an RLO name is not shown reversed."""
    global _ALERTS
    if _ALERTS is not None:
        return _ALERTS
    import html

    import pandas as pd

    class Alerts(pd.DataFrame):
        @property
        def _constructor(self):
            return Alerts

        def _repr_html_(self):
            if not {"level", "suspicious_process"} <= set(self.columns):
                return super()._repr_html_()  # a selection of other columns: pandas' own view
            safe = lambda v: "" if v is None or (isinstance(v, float) and v != v) else html.escape(_core.display_safe(str(v)))
            limit = pd.get_option("display.max_rows") or len(self)
            rows = []
            for _, a in self.head(limit).iterrows():
                detectors = ", ".join(d["detector"] for d in (a.get("detections") or []))
                rows.append(
                    f'<tr><td><b>{safe(a["level"])}</b></td><td><code>{safe(a["suspicious_process"])}</code></td>'
                    f'<td><code>{safe(a.get("normal_process"))}</code></td><td>{safe(detectors)}</td>'
                    f'<td style="text-align:right">{safe(a.get("suspicious_count"))}</td>'
                    f'<td style="text-align:right">{safe(a.get("distinct_hosts"))}</td><td>{safe(a.get("reason"))}</td></tr>')
            more = f"<p>… {len(self) - limit} more (masq.report(frame, path) writes them all as a page)</p>" \
                if len(self) > limit else ""
            summary = self.attrs.get("summary") or {}
            caption = f"{len(self)} alert{'s' if len(self) != 1 else ''}"
            if summary.get("events"):
                caption += f" from {summary['events']:,} events of {summary.get('distinct_names', 0):,} names"
            return ("<div class=\"masq-alerts\"><table><caption style=\"text-align:left\">" + html.escape(caption) +
                    "</caption><thead><tr><th>level</th><th>suspicious</th><th>imitates</th><th>detectors</th>"
                    "<th>events</th><th>hosts</th><th>reason</th></tr></thead><tbody>" + "".join(rows) +
                    "</tbody></table>" + more + "</div>")

    Alerts.__name__ = Alerts.__qualname__ = "Alerts"
    Alerts.__module__ = __name__
    _ALERTS = Alerts
    return Alerts


def report(alerts, path: Optional[PathLike] = None) -> Union[str, os.PathLike]:
    """The HTML report of ``masq detect --report`` for the DataFrame ``masq.detect`` returned (or a
    filtered copy of it): one self-contained page (docs/report.md).

    path: where to write it; None returns the page as a string. The run's figures (files, events,
    the per-name count curve) come from ``alerts.attrs["report_run"]``, which ``masq.detect`` sets;
    without them the page shows the alerts alone.
    """
    run = dict(getattr(alerts, "attrs", {}).get("report_run") or {})
    page = _core.report(_findings_jsonl(alerts), run)
    if path is None:
        return page
    pathlib.Path(path).write_text(page, encoding="utf-8")
    return path


def detect(source: Union[PathLike, Iterable[PathLike], Any], mode: str = "full", *,
           frequent_threshold: float = 0.8, infrequent_threshold: float = 0.2,
           similarity_threshold: float = 0.85, inject_synthetic: bool = False, seed: Optional[int] = None,
           allow: Optional[PathLike] = None, max_paths: int = 10, max_hosts: int = 10, threads: int = 0,
           strict: bool = False, input_format: str = "auto", dedupe: bool = False,
           detectors: Optional[str] = None, samples: int = 3, min_level: Optional[str] = None,
           catalog: Union[None, PathLike, Iterable[PathLike]] = None):
    """Finds masquerading process names, as ``masq detect`` does.

    source: a path or URL (file, export folder tree, Azure Blob URL), a list of them, a pandas
        DataFrame, or any Arrow table (pyarrow, polars, anything with ``__arrow_c_stream__``) with
        Sentinel columns (Process, NewProcessName, Computer, TimeGenerated, EventID, …).
    mode: "full" (every detector, the CLI's default) or "seed" (the Sentinel notebook, exactly).
    inject_synthetic, seed: add the notebook's 842 synthetic events (``--inject-synthetic --seed``).
    strict: raise MasqError at the first input problem instead of skipping the record, and when the
        input gives the detectors nothing (otherwise an InputWarning says so; also in
        ``.attrs["warnings"]``).
    detectors: as ``--detectors``: "name-similarity,path" runs only those, "-parent" all but one
        (``masq.detectors()`` lists them).
    samples: example events per alert (``--samples``); min_level: as ``--min-level`` ("high" keeps
        high and critical alerts).
    catalog: as ``--catalog``: a file (or a list of files) of your own binaries and folders, in the
        format of data/catalog/known_files.tsv or binaries.tsv (full mode only).

    Returns a pandas DataFrame, one row per finding, with the fields of ``masq detect --format
    jsonl`` (FINDING_FIELDS); ``.attrs["summary"]`` has the funnel counts and ``.attrs["problems"]``
    the first input problems. Raises ValueError (MasqError for input problems) with the core's message.
    """
    # The library's option rules (the CLI's), before any input is read.
    _core.check_options(mode, float(frequent_threshold), float(infrequent_threshold), float(similarity_threshold),
                        detectors or "", allow is not None)
    profile = _core.Profile(strict, int(samples))
    if _is_paths(source):
        paths = [os.fspath(source)] if isinstance(source, (str, os.PathLike)) else [os.fspath(s) for s in source]
        profile.read_files(paths, threads, input_format, dedupe, mode == "full")  # as the CLI
    else:
        table = _arrow_table(source)
        profile.read_arrow(table.__arrow_c_stream__())
    result = _detect_profile(profile, mode, frequent_threshold, infrequent_threshold, similarity_threshold,
                             inject_synthetic, seed, allow, max_paths, max_hosts, threads, detectors=detectors,
                             samples=samples, min_level=min_level, catalog=catalog)
    _say_warnings(result, strict, stacklevel=3)
    return findings_frame(result)


def detectors(mode: str = "full") -> list:
    """The detectors of a mode: dicts with id, category, technique (MITRE ATT&CK) and summary."""
    return _core.detectors(mode)


def _say_warnings(result: dict, strict: bool, stacklevel: int) -> None:
    """Input that gives the detectors nothing is said, never a quiet empty result (as the CLI):
    a MasqError in strict mode, otherwise an InputWarning each, attributed `stacklevel` frames up."""
    if strict and result["warnings"]:
        raise MasqError("; ".join(result["warnings"]))
    for why in result["warnings"]:
        warnings.warn(why, InputWarning, stacklevel=stacklevel)


def _detect_profile(profile, mode, frequent_threshold, infrequent_threshold, similarity_threshold,
                    inject_synthetic, seed, allow, max_paths, max_hosts, threads, total_hosts=None, detectors=None,
                    samples=3, min_level=None, catalog=None):
    if inject_synthetic:
        if seed is None:
            seed = int.from_bytes(os.urandom(8), "little")
        profile.inject_synthetic(int(seed))
    return _core.detect(profile, mode, float(frequent_threshold), float(infrequent_threshold),
                          float(similarity_threshold), int(max_paths), int(max_hosts), int(threads),
                        os.fspath(allow) if allow is not None else "", total_hosts, detectors or "",
                        int(samples), min_level or "", _catalog_files(catalog))


def _catalog_files(catalog) -> list:
    if catalog is None:
        return []
    if isinstance(catalog, (str, os.PathLike)):
        return [os.fspath(catalog)]
    return [os.fspath(c) for c in catalog]


def time_text(value) -> str:
    """A time as masq writes it (``format_iso8601`` in src/util/timestamp.cpp): UTC, milliseconds
    when the time is whole milliseconds, otherwise the 100 ns ticks of a Windows FILETIME."""
    import pandas as pd

    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    ticks = (stamp.microsecond * 1000 + stamp.nanosecond) // 100
    fraction = f"{ticks // 10000:03d}" if ticks % 10000 == 0 else f"{ticks:07d}"
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + fraction + "Z"


def _findings_jsonl(findings) -> str:
    """A findings DataFrame (or a list of dicts) as the JSON lines ``masq detect -f jsonl`` writes."""
    import json

    def plain(v):  # numpy scalars, pandas' times and missing values as JSON
        import pandas as pd
        if v is pd.NaT:
            return None
        if isinstance(v, _dt.datetime):
            return time_text(v)
        if hasattr(v, "item"):
            return v.item()
        try:
            import pandas as pd
            if not isinstance(v, (list, dict, str)) and pd.isna(v):
                return None
        except (ImportError, TypeError, ValueError):
            pass
        return v

    rows = findings.to_dict(orient="records") if hasattr(findings, "to_dict") else list(findings)
    lines = []
    for row in rows:
        record = {"type": "finding"}
        record.update({k: plain(v) for k, v in row.items()})
        lines.append(json.dumps(record, ensure_ascii=False, default=plain))
    return "\n".join(lines) + ("\n" if lines else "")


def send(findings=None, *, sink: str = "logs-ingestion", payload: str = "findings", mode: Optional[str] = None,
         resume: bool = False, spool: Optional[PathLike] = None, endpoint: Optional[str] = None,
         dcr: Optional[str] = None, stream: Optional[str] = None, tenant_id: Optional[str] = None,
         client_id: Optional[str] = None, client_secret: Optional[str] = None,
         authority_host: Optional[str] = None, scope: Optional[str] = None, workspace_id: Optional[str] = None,
         shared_key: Optional[str] = None, log_type: Optional[str] = None,
         data_collector_endpoint: Optional[str] = None, max_batch_bytes: int = 0, attempts: int = 6,
         timeout: float = 30.0, gzip: bool = True, cloud: str = "public") -> dict:
    """Sends findings to Microsoft Sentinel with the C++ sink of ``masq send`` (docs/sentinel.md).

    findings: the DataFrame ``masq.detect`` returns (or a list of such dicts); None with ``resume``.
    sink: "logs-ingestion" (DCE + DCR + Entra ID app) or "data-collector" (the retired API).
    Unset arguments come from the environment, as for the CLI: AZURE_TENANT_ID, AZURE_CLIENT_ID,
    AZURE_CLIENT_SECRET, AZURE_AUTHORITY_HOST, MASQ_DCE_ENDPOINT, MASQ_DCR_IMMUTABLE_ID,
    MASQ_DCR_STREAM, LOG_ANALYTICS_WORKSPACE_ID, LOG_ANALYTICS_SHARED_KEY,
    MASQ_DATA_COLLECTOR_ENDPOINT, MASQ_SPOOL_DIR (default ~/.local/state/masq/spool).
    cloud: "public", "usgov" or "china" (as ``--cloud``): the authority, audience and Data Collector host.
    resume: deliver what earlier sends spooled instead.

    Returns the delivery report (records, delivered, batches, requests, retries, splits,
    token_requests, spooled, failed, errors); batches that could not be delivered are in the spool.
    Raises ValueError naming what is missing for a destination that cannot work.
    """
    if sink not in ("logs-ingestion", "data-collector"):
        raise ValueError(f"sink must be 'logs-ingestion' or 'data-collector', not {sink!r}")
    if payload not in ("findings", "seed"):
        raise ValueError(f"payload must be 'findings' or 'seed', not {payload!r}")
    if findings is None and not resume:
        raise ValueError("nothing to send: pass findings, or resume=True")
    # Unset values are filled by the core from the environment and the cloud, as for the CLI.
    config = {
        "sink": sink, "payload": payload, "mode": mode or "", "resume": "1" if resume else "0",
        "spool": os.fspath(spool) if spool is not None else "",  # empty: the core's default_spool_dir()
        "endpoint": endpoint or "", "dcr": dcr or "", "stream": stream or "", "tenant_id": tenant_id or "",
        "client_id": client_id or "", "client_secret": client_secret or "",
        "authority_host": authority_host or "", "scope": scope or "", "cloud": cloud,
        "workspace_id": workspace_id or "", "shared_key": shared_key or "", "log_type": log_type or "",
        "data_collector_endpoint": data_collector_endpoint or "",
        "max_batch_bytes": str(int(max_batch_bytes)), "attempts": str(int(attempts)),
        "timeout": str(float(timeout)), "gzip": "1" if gzip else "0",
    }
    return _core.send("" if findings is None else _findings_jsonl(findings), config)


def similarity(a: str, b: str) -> float:
    """True Damerau–Levenshtein similarity, ``(max_len - distance) / max_len`` in code points:
    ``fastDamerauLevenshtein.damerauLevenshtein(a, b)`` with its defaults."""
    return _core.similarity(a, b)


def seed_score(frequent: str, infrequent: str) -> float:
    """The notebook's ``calcDist`` as Spark stores it (a float32): the extension rule, then the
    similarity; 0.0 when either name has no '.'. A pair is flagged when this is > 0.85."""
    return _core.seed_score(frequent, infrequent)


def _iso(value: Union[str, _dt.datetime, None]) -> Optional[str]:
    if value is None or isinstance(value, str):
        return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.timezone.utc)
    return value.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def synth(seed: int = 0, start: Union[str, _dt.datetime, None] = None,
          end: Union[str, _dt.datetime, None] = None):
    """The notebook's synthetic events (``masq synth``), as a pandas DataFrame with the export's
    columns (TimeGenerated, EventID, NewProcessName, Process) plus ``malicious``. Same seed and
    window, same rows. Default window: the day before midnight UTC today, as the CLI."""
    import pandas as pd

    end_s = _iso(end)
    if end_s is None:
        today = _dt.datetime.now(_dt.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
        end_s = _iso(today)
    start_s = _iso(start)
    if start_s is None:
        parsed = _core.parse_time(end_s)
        if parsed is None:
            raise ValueError(f"end '{end_s}' is not an ISO-8601 time")
        start_s = _iso(_dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
                       + _dt.timedelta(microseconds=parsed // 10) - _dt.timedelta(days=1))
    rows = _core.synth(int(seed), start_s, end_s)
    return pd.DataFrame(rows, columns=["TimeGenerated", "EventID", "NewProcessName", "Process", "malicious"])
