# SPDX-License-Identifier: MIT
"""Every KQL query masq ships for Microsoft Sentinel — the analytics rule's, each workbook query, each
hunting query, each ```kql block of docs/sentinel.md — parsed and semantically analysed by Microsoft's
Kusto.Language (npm @kusto/language-service-next, pinned in tests/sentinel/package.json) against
MasqFindings_CL as masq-findings.bicep declares it and SecurityEvent as Azure Monitor documents it:
no syntax error, unknown table, column or function, no type error, no join that hides one of our
columns behind SecurityEvent's. tests/sentinel/kql_check.js does the analysis; the bootstrap's
`test` target installs its package (npm ci), and a missing node or package fails here, not skips."""
import json
import pathlib
import re
import shutil
import subprocess

import pytest

yaml = pytest.importorskip("yaml")

ROOT = pathlib.Path(__file__).resolve().parents[2]
SENTINEL = ROOT / "deploy" / "sentinel"
CHECKER = ROOT / "tests" / "sentinel" / "kql_check.js"
PACKAGE = ROOT / "tests" / "sentinel" / "node_modules" / "@kusto" / "language-service-next"

# The workbook's parameters, as the portal expands them before it runs a query: a multi-select drop
# down with quote ' and delimiter , gives 'a','b'; a time range's :grain a timespan; the alerts
# table's exported SuspiciousProcess and HostName cells plain text (quoted by the query itself).
WORKBOOK_PARAMETERS = {
    "{Levels}": "'critical','high','medium','low'",
    "{TimeRange:grain}": "1h",
    "{SelectedName}": "svch0st.exe",
    "{SelectedHost}": "WKS-0042.contoso.local",
}


def workbook_query(text):
    for parameter, value in WORKBOOK_PARAMETERS.items():
        text = text.replace(parameter, value)
    left = re.findall(r"\{[A-Za-z]\w*(?::\w+)?\}", text)
    assert not left, f"workbook parameters without a test value in WORKBOOK_PARAMETERS: {left}"
    return text


def kql_blocks(markdown):
    return re.findall(r"^```kql\n(.*?)^```", markdown, re.S | re.M)


def shipped_queries():
    """name -> KQL text of everything deploy/sentinel and docs/sentinel.md hold."""
    queries = {}
    rule = json.loads((SENTINEL / "analytics-rule.json").read_text(encoding="utf-8"))
    for resource in rule["resources"]:
        queries[f"analytics-rule.json {resource['properties']['displayName']}"] = resource["properties"]["query"]
    workbook = json.loads((SENTINEL / "workbook" / "masq-alerts.workbook").read_text(encoding="utf-8"))

    def walk(node):  # every item with a query, groups (type 12) included, and query-backed parameters
        if isinstance(node, dict):
            if isinstance(node.get("query"), str):
                yield node
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    workbook_items = {i.get("name"): i for i in workbook["items"]}
    for n, item in enumerate(walk(workbook)):
        name = next((k for k, v in workbook_items.items() if v.get("content") is item), item.get("name", n))
        queries[f"workbook {name}"] = workbook_query(item["query"])
    for path in sorted((SENTINEL / "hunting").glob("*.yaml")):
        queries[f"hunting/{path.name}"] = yaml.safe_load(path.read_text(encoding="utf-8"))["query"]
    for n, block in enumerate(kql_blocks((ROOT / "docs" / "sentinel.md").read_text(encoding="utf-8")), 1):
        queries[f"docs/sentinel.md kql block {n}"] = block
    return queries


def analyse(queries):
    node = shutil.which("node")
    assert node, "node is not installed: scripts/bootstrap.sh test installs it (Debian nodejs)"
    assert (PACKAGE / "Kusto.Language.Bridge.js").is_file(), (
        "@kusto/language-service-next is not installed: run scripts/bootstrap.sh test "
        "(npm ci --prefix tests/sentinel)")
    run = subprocess.run([node, str(CHECKER)], input=json.dumps(queries), capture_output=True, text=True,
                         timeout=300)
    assert run.returncode in (0, 1), run.stderr
    return json.loads(run.stdout)


def problems(result):
    errors = [f"line {d['line']} col {d['column']}: {d['code']} {d['message']} (at {d['text']!r})"
              for d in result["diagnostics"] if d["severity"] == "Error"]
    errors += [f"{j['text']!r}: both sides have {j['columns']}; the right side's would be renamed"
               for j in result["join_collisions"]]
    return errors


@pytest.fixture(scope="module")
def shipped():
    queries = shipped_queries()
    return queries, analyse(queries)


def test_every_shipped_query_is_found():
    names = shipped_queries()
    assert sum(n.startswith("analytics-rule.json") for n in names) == 1
    assert {"workbook alerts-over-time", "workbook alerts-by-detector", "workbook top-hosts", "workbook alerts",
            "workbook alert-events"} <= set(names)
    assert sum(n.startswith("hunting/") for n in names) == len(list((SENTINEL / "hunting").glob("*.yaml"))) >= 2
    assert sum(n.startswith("docs/") for n in names) >= 6


def test_every_shipped_query_analyses_without_errors(shipped):
    queries, results = shipped
    assert set(results) == set(queries)
    failures = {name: problems(r) for name, r in results.items() if problems(r)}
    assert not failures, json.dumps(failures, indent=1, ensure_ascii=False)


def test_every_shipped_query_is_free_of_the_analysers_warnings(shipped):
    # The library's own analysers (what the Kusto editors underline): join without a kind, ...
    _, results = shipped
    warnings = {name: [f"{d['code']} {d['message']} (at {d['text']!r})" for d in r["diagnostics"]
                       if d["severity"] == "Warning"]
                for name, r in results.items()}
    warnings = {k: v for k, v in warnings.items() if v}
    assert not warnings, json.dumps(warnings, indent=1)


def test_the_analyser_sees_the_table_the_bicep_template_declares():
    """kql_check.js reads MasqFindings_CL's columns out of masq-findings.bicep itself; they must be
    those a Bicep parser finds there, with the same types (Log Analytics' boolean is Kusto's bool)."""
    try:
        from pycep import BicepParser
    except ImportError:
        pytest.fail("pycep-parser is not installed: scripts/bootstrap.sh test installs it into .venv")
    parsed = BicepParser().parse(text=(SENTINEL / "masq-findings.bicep").read_text(encoding="utf-8"))
    declared = [(c["name"], {"boolean": "bool"}.get(c["type"], c["type"])) for c in parsed["variables"]["columns"]["value"]]
    run = subprocess.run(["node", str(CHECKER), "--schema"], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    seen = [(c["name"], c["type"]) for c in json.loads(run.stdout)["MasqFindings_CL"]]
    assert seen == declared


def test_the_analytics_rule_returns_what_its_mappings_read(shipped):
    queries, results = shipped
    (name,) = [n for n in queries if n.startswith("analytics-rule.json")]
    columns = dict(c.split(":") for c in results[name]["columns"])
    rule = json.loads((SENTINEL / "analytics-rule.json").read_text(encoding="utf-8"))["resources"][0]["properties"]
    for entity in rule["entityMappings"]:
        for m in entity["fieldMappings"]:
            # Sentinel maps entity identifiers from string columns.
            assert columns.get(m["columnName"]) == "string", (entity["entityType"], m, columns.get(m["columnName"]))
    for detail, column in rule["customDetails"].items():
        assert column in columns, (detail, column)
    assert columns.get(rule["alertDetailsOverride"]["alertSeverityColumnName"]) == "string"
    for column in re.findall(r"\{\{(\w+)\}\}", json.dumps(rule["alertDetailsOverride"])):
        assert column in columns, column


def test_hunting_entity_columns_are_in_the_result(shipped):
    queries, results = shipped
    for path in sorted((SENTINEL / "hunting").glob("*.yaml")):
        columns = dict(c.split(":") for c in results[f"hunting/{path.name}"]["columns"])
        for entity in yaml.safe_load(path.read_text(encoding="utf-8"))["entityMappings"]:
            for m in entity["fieldMappings"]:
                assert columns.get(m["columnName"]) == "string", (path.name, m)


def test_the_checker_catches_what_it_is_for():
    """It must be able to fail: a misspelt column, an unknown table, a syntax error, a type error,
    an unknown function, a join that hides a column, and a workbook parameter left unexpanded."""
    results = analyse({
        "misspelt column": "MasqFindings_CL | project SuspicousProcess",
        "unknown table": "MasqFinding_CL | take 10",
        "syntax error": "MasqFindings_CL | where Level == 'high' and | take 10",
        "type error": "MasqFindings_CL | where Score > 'high'",
        "unknown function": "MasqFindings_CL | extend x = tolowercase(SuspiciousProcess)",
        "SecurityEvent column": "SecurityEvent | where EventID == 4688 | project NewProcesName",
        "join collision": "SecurityEvent | join kind=inner (MasqFindings_CL | project Level, "
                          "Computer = tostring(Hosts[0].value)) on Computer | project Level",
        "fine": "MasqFindings_CL | summarize arg_max(TimeGenerated, *) by FindingId | project SuspiciousProcess, Score",
    })
    found = {name: problems(r) for name, r in results.items()}
    assert found.pop("fine") == []
    for name, errors in found.items():
        assert errors, name
    assert "SuspicousProcess" in found["misspelt column"][0]
    assert "MasqFinding_CL" in found["unknown table"][0]
    assert "NewProcesName" in found["SecurityEvent column"][0]
    assert "Level" in found["join collision"][0]
    with pytest.raises(AssertionError, match="SelectedFoo"):
        workbook_query("SecurityEvent | where Computer == '{SelectedFoo}'")
