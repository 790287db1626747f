// SPDX-License-Identifier: MIT
// The masq workbook (masq-alerts.workbook, the gallery JSON the portal's Advanced Editor shows) as
// a Microsoft Sentinel workbook of the workspace.
param workspaceName string
param location string = resourceGroup().location
param displayName string = 'masq: masquerading process names'

resource workspace 'Microsoft.OperationalInsights/workspaces@2022-10-01' existing = {
  name: workspaceName
}

resource workbook 'Microsoft.Insights/workbooks@2022-04-01' = {
  name: guid(workspace.id, 'masq-alerts-workbook')
  location: location
  kind: 'shared'
  properties: {
    displayName: displayName
    category: 'sentinel'
    sourceId: workspace.id
    serializedData: loadTextContent('masq-alerts.workbook')
    version: '1.0'
  }
}
