// Reads a device's last DDM status report against the declarations Keep serves it: per-setting compliance from
// `valid`/`active`, and drift (a full report that lacks one of them, or names an older ServerToken).
// https://developer.apple.com/documentation/devicemanagement/statusmanagementdeclarations
import type { DeclarationStatus } from '../declarative/index.js';
import { serverToken } from '../declarative/index.js';
import type { PolicyDeclaration } from './apple-target.js';
import type { SettingCompliance } from './policy-compliance.js';

/** The device's last status report as the core recorded it (`facts.declarativeStatus`), and when. */
export interface ReportedDeclarations {
  fullReport: boolean;
  declarations: DeclarationStatus[];
  at: Date;
}

/** Anything not shaped as the edge's decoded StatusReport is no report at all. */
export function reportedDeclarations(status: unknown, at: Date): ReportedDeclarations | undefined {
  const report = status as { fullReport?: unknown; declarations?: unknown } | null | undefined;
  if (!report || !Array.isArray(report.declarations)) return undefined;
  return {
    fullReport: report.fullReport === true,
    declarations: (report.declarations as unknown[]).filter(
      (d): d is DeclarationStatus =>
        typeof (d as DeclarationStatus | null)?.identifier === 'string' &&
        typeof (d as DeclarationStatus).serverToken === 'string',
    ),
    at,
  };
}

/** One setting's declarations: failing if any is reported invalid, compliant once all are valid and active. */
export function declarationCompliance(
  setting: string,
  declarations: PolicyDeclaration[],
  report: ReportedDeclarations | undefined,
): SettingCompliance {
  let waiting: string | undefined;
  for (const d of declarations) {
    const status = report?.declarations.find(
      (s) => s.identifier === d.identifier && s.serverToken === serverToken(d),
    );
    if (status?.valid === 'invalid') {
      const why = status.reasons.map((r) => r.description ?? r.code).join('; ') || 'no reason given';
      return {
        setting,
        status: 'failing',
        reason: `the device reported declaration ${d.identifier} invalid: ${why}`,
        provenAt: report!.at,
      };
    }
    if (!status || status.valid !== 'valid' || !status.active) waiting ??= d.identifier;
  }
  if (waiting)
    return { setting, status: 'unknown', reason: `waiting for a status report on declaration ${waiting}` };
  return { setting, status: 'compliant', ...(report ? { provenAt: report.at } : {}) };
}

/** A full report that lacks a declaration Keep serves, or names an older ServerToken: have the device sync. */
export function declarationDrift(
  declarations: PolicyDeclaration[],
  report: ReportedDeclarations | undefined,
): boolean {
  if (!report?.fullReport) return false;
  return declarations.some(
    (d) =>
      !report.declarations.some((s) => s.identifier === d.identifier && s.serverToken === serverToken(d)),
  );
}
