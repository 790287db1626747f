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

// The columns of one record, as masq's sentinel_records() writes them (include/masq/sentinel.h).
var columns = [
  { name: 'TimeGenerated', type: 'datetime', description: 'When the detection ran' }
  { name: 'FindingId', type: 'string', description: 'Stable id: detector, names, first and last seen' }
  { name: 'RunId', type: 'string' }
  { name: 'Mode', type: 'string', description: 'seed (the notebook) or full' }
  { name: 'Detector', type: 'string' }
  { name: 'SuspiciousProcess', type: 'string' }
  { name: 'NormalProcess', type: 'string' }
  { name: 'Score', type: 'real' }
  { name: 'Similarity', type: 'real' }
  { name: 'Distance', type: 'int' }
  { name: 'SuspiciousCount', type: 'long' }
  { name: 'NormalCount', type: 'long' }
  { name: 'SuspiciousPercentRank', type: 'real' }
  { name: 'NormalPercentRank', type: 'real' }
  { name: 'SuspiciousPaths', type: 'dynamic', description: '[{value, count}]' }
  { name: 'SuspiciousDistinctPaths', type: 'int' }
  { name: 'NormalPaths', type: 'dynamic' }
  { name: 'NormalDistinctPaths', type: 'int' }
  { name: 'Hosts', type: 'dynamic' }
  { name: 'DistinctHosts', type: 'int' }
  { name: 'FirstSeen', type: 'datetime' }
  { name: 'LastSeen', type: 'datetime' }
  { name: 'InUserData', type: 'boolean' }
  { name: 'InvolvesSynthetic', type: 'boolean' }
  { name: 'Reason', type: 'string' }
  { name: 'MasqVersion', type: 'string' }
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
