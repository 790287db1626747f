#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Deploys everything masq brings to Microsoft Sentinel into an existing workspace, with the Azure
# CLI (which compiles the Bicep files itself): the table, DCE and DCR masq sends to
# (masq-findings.bicep), the analytics rule (analytics-rule.json), the workbook (workbook/) and the
# hunting queries (hunting/*.yaml, as saved searches of the "Hunting Queries" category).
#
#   deploy/sentinel/deploy.sh RESOURCE_GROUP WORKSPACE APP_ID
#
# Prints the three MASQ_* variables masq send needs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rg=$1 ws=$2 app=$3
principal=$(az ad sp show --id "$app" --query id -o tsv)
az deployment group create -g "$rg" -n masq-findings -f "$here/masq-findings.bicep" \
    -p workspaceName="$ws" principalId="$principal" --query properties.outputs -o json
az deployment group create -g "$rg" -n masq-analytics-rule -f "$here/analytics-rule.json" \
    -p workspaceName="$ws" ruleId="$(python3 -c 'import uuid; print(uuid.uuid5(uuid.NAMESPACE_URL, "masq/analytics-rule"))')" -o none
az deployment group create -g "$rg" -n masq-workbook -f "$here/workbook/workbook.bicep" -p workspaceName="$ws" -o none
for f in "$here"/hunting/*.yaml; do
    python3 - "$f" "$rg" "$ws" <<'PY'
import json, subprocess, sys
import yaml  # python3-yaml
path, rg, ws = sys.argv[1:]
q = yaml.safe_load(open(path, encoding="utf-8"))
tags = [{"name": "description", "value": q["description"].strip()},
        {"name": "tactics", "value": ",".join(q["tactics"])},
        {"name": "techniques", "value": ",".join(q["relevantTechniques"])}]
subprocess.run(["az", "monitor", "log-analytics", "workspace", "saved-search", "create", "-g", rg,
                "--workspace-name", ws, "-n", q["id"], "--category", "Hunting Queries",
                "--display-name", q["name"], "--saved-query", q["query"], "--tags",
                *[f"{t['name']}={t['value']}" for t in tags], "-o", "none"], check=True)
PY
done
echo "deployed: table, DCE and DCR, analytics rule, workbook, $(ls "$here"/hunting/*.yaml | wc -l) hunting queries" >&2
