// Whether a device meets a policy's OS update: its reported version against the minimum, and the deadline.
import { compareOsVersions } from './os-version.js';
import type { OsUpdate } from './policy.schema.js';

/** `pending`: below the minimum but before the deadline, so the device still has time to update. */
export type OsUpdateCompliance = 'compliant' | 'pending' | 'overdue';

/**
 * The deadline is wall-clock time on the device; `utcOffsetMinutes` is the device's offset when known.
 * Without it the deadline is read as UTC.
 */
export function osUpdateCompliance(
  update: Pick<OsUpdate, 'minimumVersion' | 'deadline'>,
  reportedVersion: string,
  now: Date,
  utcOffsetMinutes = 0,
): OsUpdateCompliance {
  if (compareOsVersions(reportedVersion, update.minimumVersion) >= 0) return 'compliant';
  const deadline = Date.parse(`${update.deadline}Z`) - utcOffsetMinutes * 60_000;
  return now.getTime() < deadline ? 'pending' : 'overdue';
}
