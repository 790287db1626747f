# SPDX-License-Identifier: MIT
"""deploy/sentinel: the analytics rule, the workbook and the hunting queries are well-formed, and
every column their KQL reads exists: in MasqFindings_CL as masq-findings.bicep declares it, in
SecurityEvent, or defined earlier in the same query. These checks read the queries as text; the
KQL itself is parsed and analysed by Kusto.Language in test_sentinel_kql.py. The Bicep files are
parsed by pycep-parser (a Bicep grammar, offline): a syntax error fails here rather than at `az
deployment`."""
import json
import pathlib
import re

import pytest

yaml = pytest.importorskip("yaml")

ROOT = pathlib.Path(__file__).resolve().parents[2]
SENTINEL = ROOT / "deploy" / "sentinel"
# SecurityEvent columns the queries use (Azure Monitor reference, "SecurityEvent" table).
SECURITY_EVENT = {"TimeGenerated", "EventID", "Computer", "Process", "NewProcessName", "ParentProcessName",
                  "SubjectUserName", "CommandLine"}
LEVELS = ["critical", "high", "medium", "low", "informational"]


def table_columns():
    text = (SENTINEL / "masq-findings.bicep").read_text(encoding="utf-8")
    columns = set(re.findall(r"\{ name: '([A-Za-z]+)', type: '", text))
    assert {"TimeGenerated", "FindingId", "SuspiciousProcess", "Hosts", "Samples", "Detections"} <= columns
    return columns


def defined_in(query):
    """Names a query defines: `X =` in extend/project/summarize/let/mv-expand/mv-apply, and the
    workbook's {Parameters}."""
    names = set(re.findall(r"\b([A-Z][A-Za-z]*)\s*=(?!=)", query))
    names |= set(re.findall(r"\blet\s+([a-z][A-Za-z]*)", query))
    return names


def columns_read(query):
    stripped = re.sub(r"//[^\n]*", "", query)
    stripped = re.sub(r'"[^"]*"|\'[^\']*\'', '""', stripped)  # string literals
    stripped = re.sub(r"\{[A-Za-z:]+\}", "", stripped)        # workbook parameters
    stripped = re.sub(r"\)\.[A-Za-z_]+|\.\s*[a-z_]+", "", stripped)  # members: Host.value, parse_path(p).DirectoryPath
    return set(re.findall(r"\b[A-Z][A-Za-z]*\b", stripped)) - {"MasqFindings_CL", "SecurityEvent"}


def check_query(query, where):
    known = table_columns() | SECURITY_EVENT | defined_in(query)
    unknown = columns_read(query) - known
    assert not unknown, f"{where}: unknown columns {sorted(unknown)}"


def test_analytics_rule_is_an_arm_template_whose_mappings_name_its_columns():
    template = json.loads((SENTINEL / "analytics-rule.json").read_text(encoding="utf-8"))
    assert template["$schema"].startswith("https://schema.management.azure.com/schemas/")
    assert template["contentVersion"] == "1.0.0.0" and "workspaceName" in template["parameters"]
    (rule,) = template["resources"]
    assert rule["type"] == "Microsoft.OperationalInsights/workspaces/providers/alertRules"
    assert rule["kind"] == "Scheduled" and re.fullmatch(r"\d{4}-\d\d-\d\d", rule["apiVersion"])
    p = rule["properties"]
    for key in ("displayName", "description", "severity", "query", "queryFrequency", "queryPeriod", "triggerOperator",
                "triggerThreshold", "tactics", "techniques"):
        assert key in p, key
    assert p["tactics"] == ["DefenseEvasion"] and p["techniques"] == ["T1036"]
    query = p["query"]
    check_query(query, "analytics rule")
    assert "arg_max(TimeGenerated, *) by FindingId" in query  # one alert per finding, however often sent
    # The last project is what the alert sees: every mapped column must be in it.
    projected = set(re.findall(r"[A-Za-z]+", query.rsplit("| project", 1)[1]))
    mapped = {m["columnName"] for e in p["entityMappings"] for m in e["fieldMappings"]}
    mapped |= set(p["customDetails"].values())
    mapped |= set(re.findall(r"\{\{([A-Za-z]+)\}\}", json.dumps(p["alertDetailsOverride"])))
    mapped.add(p["alertDetailsOverride"]["alertSeverityColumnName"])
    assert mapped <= projected, mapped - projected
    assert {e["entityType"] for e in p["entityMappings"]} == {"Host", "Account", "Process", "File"}
    # Every masq level has a Sentinel severity.
    case = re.search(r"AlertSeverity = case\((.*?)\)\n", query).group(1)
    for level in LEVELS[:-1]:
        assert f'"{level}"' in case, level
    assert case.rstrip().endswith('"Informational"')
    grouping = p["incidentConfiguration"]["groupingConfiguration"]
    assert grouping["enabled"] and set(grouping["groupByEntities"]) == {"Host", "File"}


def test_workbook_queries_read_existing_columns_and_drill_down():
    workbook = json.loads((SENTINEL / "workbook" / "masq-alerts.workbook").read_text(encoding="utf-8"))
    assert workbook["version"] == "Notebook/1.0"
    items = {i["name"]: i for i in workbook["items"]}
    queries = {n: i["content"]["query"] for n, i in items.items() if i["type"] == 3}
    assert {"alerts-over-time", "alerts-by-detector", "top-hosts", "alerts", "alert-events"} <= set(queries)
    for name, query in queries.items():
        check_query(query, f"workbook {name}")
    exported = {e["parameterName"] for e in items["alerts"]["content"]["exportedParameters"]}
    assert {"SelectedName", "SelectedHost"} <= exported
    assert "{SelectedName}" in queries["alert-events"] and "SecurityEvent" in queries["alert-events"]
    assert items["alert-events"]["conditionalVisibility"]["parameterName"] == "SelectedName"
    bicep = (SENTINEL / "workbook" / "workbook.bicep").read_text(encoding="utf-8")
    assert "loadTextContent('masq-alerts.workbook')" in bicep


@pytest.mark.parametrize("path", sorted((SENTINEL / "hunting").glob("*.yaml")), ids=lambda p: p.name)
def test_hunting_queries_are_sentinel_yaml(path):
    q = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", q["id"])
    for key in ("name", "description", "requiredDataConnectors", "tactics", "relevantTechniques", "query",
                "entityMappings", "version"):
        assert key in q, key
    assert q["tactics"] == ["DefenseEvasion"] and q["relevantTechniques"] == ["T1036"]
    check_query(q["query"], path.name)
    for e in q["entityMappings"]:
        for m in e["fieldMappings"]:
            assert re.search(rf"\b{m['columnName']}\b", q["query"]), m


def test_the_check_catches_a_misspelt_column():
    with pytest.raises(AssertionError, match="SuspicousProcess"):
        check_query("MasqFindings_CL | project SuspicousProcess", "test")


def parse_bicep(text):
    try:
        from pycep import BicepParser
    except ImportError:
        pytest.fail("pycep-parser is not installed: scripts/bootstrap.sh test installs it into .venv")
    return BicepParser().parse(text=text)


def test_bicep_files_parse_and_declare_what_the_content_uses():
    findings = parse_bicep((SENTINEL / "masq-findings.bicep").read_text(encoding="utf-8"))
    resources = findings["resources"]
    assert resources["table"]["type"] == "Microsoft.OperationalInsights/workspaces/tables"
    assert resources["rule"]["type"] == "Microsoft.Insights/dataCollectionRules"
    # The parsed column list is the one the regex of table_columns() (and kql_check.js) reads.
    columns = findings["variables"]["columns"]["value"]
    assert [c["name"] for c in columns] == re.findall(r"\{ name: '([A-Za-z]+)', type: '",
                                                      (SENTINEL / "masq-findings.bicep").read_text(encoding="utf-8"))
    assert {c["name"] for c in columns} == table_columns()
    assert set(findings["outputs"]) == {"MASQ_DCE_ENDPOINT", "MASQ_DCR_IMMUTABLE_ID", "MASQ_DCR_STREAM"}
    workbook = parse_bicep((SENTINEL / "workbook" / "workbook.bicep").read_text(encoding="utf-8"))
    resource = workbook["resources"]["workbook"]
    assert resource["type"] == "Microsoft.Insights/workbooks"
    assert resource["config"]["properties"]["serializedData"]["function"]["parameters"]["file_path"] == \
        "masq-alerts.workbook"


def test_the_bicep_parser_rejects_a_syntax_error():
    text = (SENTINEL / "workbook" / "workbook.bicep").read_text(encoding="utf-8")
    parse_bicep(text)
    with pytest.raises(Exception, match="Unexpected"):
        parse_bicep(text.replace("kind: 'shared'", "kind: 'shared"))
