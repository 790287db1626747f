// SPDX-License-Identifier: MIT
// Everything masq needs to send findings through the Logs Ingestion API: the custom table
// MasqFindings_CL in an existing Log Analytics workspace, a data collection endpoint (DCE), a data
// collection rule (DCR) whose stream Custom-MasqFindings_CL declares masq's record, and the
// "Monitoring Metrics Publisher" role on the DCR for the application masq signs in as.
//
//   az deployment group create -g RG -f deploy/sentinel/masq-findings.bicep \
//     -p workspaceName=WS principalId=$(az ad sp show --id APP_ID --query id -o tsv)
//
// Outputs: the endpoint (MASQ_DCE_ENDPOINT), the DCR immutable id (MASQ_DCR_IMMUTABLE_ID) and the stream.

@description('Name of the existing Log Analytics workspace (the one Microsoft Sentinel uses).')
param workspaceName string

@description('Object id of the service principal (enterprise application) masq authenticates as.')
param principalId string

param location string = resourceGroup().location
param tableName string = 'MasqFindings_CL'
param endpointName string = 'masq-dce'
param ruleName string = 'masq-findings-dcr'
@description('Days the findings are kept in the table.')
param retentionInDays int = 90

// The columns of one record, as masq's sentinel_records() writes them (include/masq/sentinel.h):
// the run's four, every field of data/schema/finding.tsv under its sentinel_column, MasqVersion.
// tests/cli/test_schema.py checks that this list and the schema agree.
var columns = [
  { name: 'TimeGenerated', type: 'datetime', description: 'When the detection ran' }
  { name: 'FindingId', type: 'string', description: 'Stable id of the alert: detector, names, evidence paths and parents, first and last seen' }
  { name: 'RunId', type: 'string', description: 'The run that sent it' }
  { name: 'Mode', type: 'string', description: 'seed (the notebook) or full' }
  { name: 'Level', type: 'string', description: 'critical, high, medium, low or informational (docs/alerts.md, "Levels")' }
  { name: 'Detector', type: 'string', description: 'the strongest detection\'s detector id' }
  { name: 'Technique', type: 'string', description: 'the strongest detection\'s MITRE ATT&CK technique id' }
  { name: 'SuspiciousProcess', type: 'string', description: 'the suspicious name, lower-cased' }
  { name: 'NormalProcess', type: 'string', description: 'the other name it imitates, if any (never itself)' }
  { name: 'Expected', type: 'string', description: 'what was expected instead: the folders it lives in, the parents that start it' }
  { name: 'Score', type: 'real', description: 'the alert\'s score (seed mode: the notebook\'s float32 Dist)' }
  { name: 'Similarity', type: 'real', description: 'the exact similarity behind a name-similarity score' }
  { name: 'Distance', type: 'long', description: 'edits between the compared names' }
  { name: 'Detections', type: 'dynamic', description: 'every detection that fired on the evidence: detector, technique, score, reason' }
  { name: 'SuspiciousCount', type: 'long', description: 'evidence events' }
  { name: 'NormalCount', type: 'long', description: 'events of the normal name, or the name\'s own legitimate events' }
  { name: 'SuspiciousPercentRank', type: 'real', description: 'percent_rank of the suspicious name\'s count' }
  { name: 'NormalPercentRank', type: 'real', description: 'percent_rank of the normal name\'s count' }
  { name: 'SuspiciousPaths', type: 'dynamic', description: 'paths of the evidence events as logged, most events first' }
  { name: 'SuspiciousDistinctPaths', type: 'long', description: 'distinct paths of the evidence events' }
  { name: 'NormalPaths', type: 'dynamic', description: 'paths of the normal events' }
  { name: 'NormalDistinctPaths', type: 'long', description: 'distinct paths of the normal events' }
  { name: 'Hosts', type: 'dynamic', description: 'hosts of the evidence events, most events first' }
  { name: 'DistinctHosts', type: 'long', description: 'distinct hosts of the evidence events' }
  { name: 'NormalDistinctHosts', type: 'long', description: 'distinct hosts of the normal events' }
  { name: 'FirstSeen', type: 'datetime', description: 'first evidence event' }
  { name: 'LastSeen', type: 'datetime', description: 'last evidence event' }
  { name: 'Parents', type: 'dynamic', description: 'parent paths of the evidence events, when the source has them' }
  { name: 'Samples', type: 'dynamic', description: 'up to --samples evidence events: time, host, user, path, parent, command line, ids, source' }
  { name: 'InUserData', type: 'boolean', description: 'both names have rows from the user\'s data' }
  { name: 'InvolvesSynthetic', type: 'boolean', description: 'either name has the notebook\'s injected synthetic rows' }
  { name: 'Reason', type: 'string', description: 'the detections\' reasons in one line, strongest first' }
  { name: 'MasqVersion', type: 'string', description: 'The masq version that sent it' }
]

resource workspace 'Microsoft.OperationalInsights/workspaces@2022-10-01' existing = {
  name: workspaceName
}

resource table 'Microsoft.OperationalInsights/workspaces/tables@2022-10-01' = {
  parent: workspace
  name: tableName
  properties: {
    retentionInDays: retentionInDays
    schema: {
      name: tableName
      columns: columns
    }
  }
}

resource endpoint 'Microsoft.Insights/dataCollectionEndpoints@2022-06-01' = {
  name: endpointName
  location: location
  properties: {
    networkAcls: { publicNetworkAccess: 'Enabled' }
  }
}

resource rule 'Microsoft.Insights/dataCollectionRules@2022-06-01' = {
  name: ruleName
  location: location
  dependsOn: [ table ]
  properties: {
    dataCollectionEndpointId: endpoint.id
    streamDeclarations: {
      'Custom-${tableName}': {
        // A stream declaration has no 'description' on its columns.
        columns: [for c in columns: { name: c.name, type: c.type }]
      }
    }
    destinations: {
      logAnalytics: [ { workspaceResourceId: workspace.id, name: 'workspace' } ]
    }
    dataFlows: [
      {
        streams: [ 'Custom-${tableName}' ]
        destinations: [ 'workspace' ]
        transformKql: 'source'
        outputStream: 'Custom-${tableName}'
      }
    ]
  }
}

// Monitoring Metrics Publisher: the role the Logs Ingestion API checks on the DCR.
var monitoringMetricsPublisher = subscriptionResourceId('Microsoft.Authorization/roleDefinitions',
  '3913510d-42f4-4e42-8a64-420c390055eb')

resource publisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: rule
  name: guid(rule.id, principalId, monitoringMetricsPublisher)
  properties: {
    roleDefinitionId: monitoringMetricsPublisher
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

output MASQ_DCE_ENDPOINT string = endpoint.properties.logsIngestion.endpoint
output MASQ_DCR_IMMUTABLE_ID string = rule.properties.immutableId
output MASQ_DCR_STREAM string = 'Custom-${tableName}'
