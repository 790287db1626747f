#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// Parses and semantically analyses KQL with Microsoft's Kusto.Language (the C# library behind Kusto
// Explorer and the Azure Data Explorer editors, compiled to JavaScript: the npm package
// @kusto/language-service-next, pinned in package.json next to this file), against a database
// holding the tables masq's Sentinel content reads:
//
//   - MasqFindings_CL, with the columns and types deploy/sentinel/masq-findings.bicep declares
//     (read from that file, so the check follows the table definition);
//   - SecurityEvent, with the columns and types of the Azure Monitor Logs reference,
//     https://learn.microsoft.com/azure/azure-monitor/reference/tables/securityevent
//     (all of them, not only those the queries read: a join with SecurityEvent must see its
//     Level, Status, Account... to show where they collide with ours).
//
// Input (stdin): a JSON object, query name -> KQL text. Output (stdout): a JSON object,
// query name -> {"diagnostics": [{severity, code, message, offset, length, line, column, text}],
// "join_collisions": [{offset, text, columns}] (see joinCollisions), "columns": ["name:type", ...]
// (the query's result schema, when it is tabular)}.
// Unknown tables, columns and functions, wrong argument types and syntax errors are Error
// diagnostics. Exit status: 0 no error diagnostic and no join collision, 1 some, 2 the check
// itself failed.
//
//   npm ci --prefix tests/sentinel        # once (scripts/bootstrap.sh test does it)
//   echo '{"q": "MasqFindings_CL | take 1"}' | node tests/sentinel/kql_check.js
//   node tests/sentinel/kql_check.js --schema   # the two tables as the analyser sees them
"use strict";
const fs = require("fs");
const path = require("path");

const pkg = path.join(__dirname, "node_modules", "@kusto", "language-service-next");
// bridge.js (the Bridge.NET runtime) defines the global Bridge the library registers itself in.
require(path.join(pkg, "bridge.js"));
require(path.join(pkg, "Kusto.Language.Bridge.js"));
const K = global.Kusto.Language;

const BICEP = path.resolve(__dirname, "..", "..", "deploy", "sentinel", "masq-findings.bicep");

// https://learn.microsoft.com/azure/azure-monitor/reference/tables/securityevent ("Columns").
const SECURITY_EVENT = `AccessMask:string Account:string AccountDomain:string AccountExpires:string
AccountName:string AccountSessionIdentifier:string AccountType:string Activity:string AdditionalInfo:string
AdditionalInfo2:string AllowedToDelegateTo:string Attributes:string AuditPolicyChanges:string AuditsDiscarded:int
AuthenticationLevel:int AuthenticationPackageName:string AuthenticationProvider:string AuthenticationServer:string
AuthenticationService:int AuthenticationType:string AzureDeploymentID:string _BilledSize:real CACertificateHash:string
CalledStationID:string CallerProcessId:string CallerProcessName:string CallingStationID:string CAPublicKeyHash:string
CategoryId:string CertificateDatabaseHash:string Channel:string ClassId:string ClassName:string ClientAddress:string
ClientIPAddress:string ClientName:string CommandLine:string CompatibleIds:string Computer:string DCDNSName:string
DeviceDescription:string DeviceId:string DisplayName:string Disposition:string DomainBehaviorVersion:string
DomainName:string DomainPolicyChanged:string DomainSid:string EAPType:string ElevatedToken:string ErrorCode:int
EventData:string EventID:int EventSourceName:string ExtendedQuarantineState:string FailureReason:string FileHash:string
FilePath:string FilePathNoUser:string Filter:string ForceLogoff:string Fqbn:string FullyQualifiedSubjectMachineName:string
FullyQualifiedSubjectUserName:string GroupMembership:string HandleId:string HardwareIds:string HomeDirectory:string
HomePath:string InterfaceUuid:string IpAddress:string IpPort:string _IsBillable:string KeyLength:int Level:string
LmPackageName:string LocationInformation:string LockoutDuration:string LockoutObservationWindow:string
LockoutThreshold:string LoggingResult:string LogonGuid:string LogonHours:string LogonID:string LogonProcessName:string
LogonType:int LogonTypeName:string MachineAccountQuota:string MachineInventory:string MachineLogon:string
ManagementGroupName:string MandatoryLabel:string MaxPasswordAge:string MemberName:string MemberSid:string
MinPasswordAge:string MinPasswordLength:string MixedDomainMode:string NASIdentifier:string NASIPv4Address:string
NASIPv6Address:string NASPort:string NASPortType:string NetworkPolicyName:string NewDate:string NewMaxUsers:string
NewProcessId:string NewProcessName:string NewRemark:string NewShareFlags:string NewTime:string NewUacValue:string
NewValue:string NewValueType:string ObjectName:string ObjectServer:string ObjectType:string ObjectValueName:string
OemInformation:string OldMaxUsers:string OldRemark:string OldShareFlags:string OldUacValue:string OldValue:string
OldValueType:string OperationType:string PackageName:string ParentProcessName:string PasswordHistoryLength:string
PasswordLastSet:string PasswordProperties:string PreviousDate:string PreviousTime:string PrimaryGroupId:string
PrivateKeyUsageCount:string PrivilegeList:string Process:string ProcessId:string ProcessName:string ProfilePath:string
Properties:string ProtocolSequence:string ProxyPolicyName:string QuarantineHelpURL:string QuarantineSessionID:string
QuarantineSessionIdentifier:string QuarantineState:string QuarantineSystemHealthResult:string RelativeTargetName:string
RemoteIpAddress:string RemotePort:string Requester:string RequestId:string _ResourceId:string RestrictedAdminMode:string
RowsDeleted:string SamAccountName:string ScriptPath:string SecurityDescriptor:string ServiceAccount:string
ServiceFileName:string ServiceName:string ServiceStartType:int ServiceType:string SessionName:string
ShareLocalPath:string ShareName:string SidHistory:string SourceComputerId:string SourceSystem:string Status:string
StorageAccount:string SubcategoryGuid:string SubcategoryId:string Subject:string SubjectAccount:string
SubjectDomainName:string SubjectKeyIdentifier:string SubjectLogonId:string SubjectMachineName:string
SubjectMachineSID:string SubjectUserName:string SubjectUserSid:string _SubscriptionId:string SubStatus:string
TableId:string TargetAccount:string TargetDomainName:string TargetInfo:string TargetLinkedLogonId:string
TargetLogonGuid:string TargetLogonId:string TargetOutboundDomainName:string TargetOutboundUserName:string
TargetServerName:string TargetSid:string TargetUser:string TargetUserName:string TargetUserSid:string Task:int
TemplateContent:string TemplateDSObjectFQDN:string TemplateInternalName:string TemplateOID:string
TemplateSchemaVersion:string TemplateVersion:string TimeGenerated:datetime TokenElevationType:string
TransmittedServices:string Type:string UserAccountControl:string UserParameters:string UserPrincipalName:string
UserWorkstations:string VendorIds:string VirtualAccount:string Workstation:string WorkstationName:string`
    .split(/\s+/).filter(Boolean).map((c) => c.split(":"));

// Log Analytics column types (the Bicep template's, the reference's) as Kusto scalar types.
const KUSTO_TYPE = { string: "string", int: "int", long: "long", real: "real", datetime: "datetime",
                     dynamic: "dynamic", boolean: "bool", bool: "bool", guid: "guid", timespan: "timespan" };

function bicepColumns(file) {
    const text = fs.readFileSync(file, "utf8");
    const columns = [...text.matchAll(/\{ name: '([A-Za-z_][A-Za-z0-9_]*)', type: '([a-z]+)'/g)].map((m) => [m[1], m[2]]);
    if (columns.length < 10) throw new Error(`${file}: found only ${columns.length} columns`);
    return columns;
}

function table(name, columns) {
    const schema = columns.map(([c, t]) => {
        if (!(t in KUSTO_TYPE)) throw new Error(`${name}.${c}: unknown column type '${t}'`);
        return `['${c}']:${KUSTO_TYPE[t]}`;
    }).join(", ");
    const symbol = new K.Symbols.TableSymbol.$ctor7(name, `(${schema})`, null);
    // The schema parser must have taken every column, each with the type asked for.
    const got = columnsOf(symbol);
    const want = columns.map(([c, t]) => `${c}:${KUSTO_TYPE[t]}`);
    if (JSON.stringify(got.map((c) => `${c.name}:${c.type}`)) !== JSON.stringify(want)) {
        throw new Error(`${name}: the analyser read the schema as ${JSON.stringify(got)}`);
    }
    return symbol;
}

function columnsOf(tableSymbol) {
    const out = [];
    const cols = tableSymbol.Columns;
    for (let i = 0; i < cols.Count; i++) {
        const c = cols.getItem(i);
        out.push({ name: c.Name, type: c.Type.Name });
    }
    return out;
}

function globals(bicep) {
    const db = new K.Symbols.DatabaseSymbol.ctor("workspace", [
        table("MasqFindings_CL", bicepColumns(bicep)),
        table("SecurityEvent", SECURITY_EVENT),
    ]);
    return K.GlobalState.Default.WithDatabase(db);
}

function diagnostic(text, d) {
    const before = text.slice(0, d.Start).split("\n");
    return {
        severity: d.Severity, code: d.Code, message: d.Message, offset: d.Start, length: d.Length,
        line: before.length, column: before[before.length - 1].length + 1,
        text: text.slice(d.Start, d.Start + Math.max(d.Length, 1)),
    };
}

// A join (or lookup) whose sides share a column that is not one of its same-name keys keeps the
// left side's under the name and renames the right side's (Level -> Level1): a later `project Level`
// silently reads the left side's. Kusto does not call that a mistake; this lists those columns
// (same-name keys, `on Computer`, are expected to come out twice and are left out).
function joinCollisions(code, text) {
    const out = [];
    code.Syntax.WalkElements((element) => {
        const join = element instanceof K.Syntax.JoinOperator ? element.ConditionClause
                   : element instanceof K.Syntax.LookupOperator ? element.LookupClause : undefined;
        if (join === undefined || !(element.Parent instanceof K.Syntax.PipeExpression)) return;
        const left = element.Parent.Expression.ResultType, right = element.Expression.ResultType;
        if (!(left instanceof K.Symbols.TableSymbol && right instanceof K.Symbols.TableSymbol)) return;
        const on = join ? text.slice(join.TextStart, join.End) : "";
        const isKey = (n) => new RegExp(`(^|[^.$\\w])${n}\\b`).test(on.replace(/^\\s*on\\b/, "")) ||
                             (on.includes(`$left.${n}`) && on.includes(`$right.${n}`));
        const leftNames = new Set(columnsOf(left).map((c) => c.name));
        const shared = columnsOf(right).map((c) => c.name).filter((n) => leftNames.has(n) && !isKey(n));
        if (shared.length) {
            out.push({ offset: element.TextStart, text: text.slice(element.TextStart, element.End), columns: shared });
        }
    });
    return out;
}

function analyse(text, state) {
    const code = K.KustoCode.ParseAndAnalyze(text, state);
    const diagnostics = [];
    const list = code.GetDiagnostics();
    for (let i = 0; i < list.Count; i++) diagnostics.push(diagnostic(text, list.getItem(i)));
    // The library's own analysers (the editors' squiggles: join without kind, contains where has
    // would do, ...): warnings and suggestions.
    const extra = new K.Editor.KustoCodeService.ctor(code).GetAnalyzerDiagnostics(true);
    for (let i = 0; i < extra.Count; i++) diagnostics.push(diagnostic(text, extra.getItem(i)));
    const result = code.ResultType;
    const columns = result instanceof K.Symbols.TableSymbol ? columnsOf(result).map((c) => `${c.name}:${c.type}`) : null;
    return { diagnostics, join_collisions: joinCollisions(code, text), columns };
}

function main() {
    const args = process.argv.slice(2);
    let bicep = BICEP;
    const at = args.indexOf("--bicep");
    if (at >= 0) bicep = args[at + 1];
    const state = globals(bicep);
    if (args.includes("--schema")) {
        const db = state.Database;
        const out = {};
        for (const name of ["MasqFindings_CL", "SecurityEvent"]) out[name] = columnsOf(db.GetTable(name));
        process.stdout.write(JSON.stringify(out, null, 1) + "\n");
        return 0;
    }
    const queries = JSON.parse(fs.readFileSync(0, "utf8"));
    const out = {};
    let errors = 0;
    for (const [name, text] of Object.entries(queries)) {
        out[name] = analyse(text, state);
        errors += out[name].diagnostics.filter((d) => d.severity === "Error").length + out[name].join_collisions.length;
    }
    process.stdout.write(JSON.stringify(out, null, 1) + "\n");
    return errors ? 1 : 0;
}

try {
    process.exitCode = main();
} catch (e) {
    process.stderr.write(`kql_check: ${e.stack || e}\n`);
    process.exitCode = 2;
}
