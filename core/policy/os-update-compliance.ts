// Whether a device meets a policy's OS update: its reported version against the minimum, and the deadline.
import { compareOsVersions } from './os-version.js';
import type { OsUpdate, PolicyPlatform } from './policy.schema.js';
import type { SettingCompliance } from './setting-compliance.js';

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

/** The `osUpdates` setting on one device: the entry naming its platform, judged by the version it reported. */
export function osUpdateSettingCompliance(
  updates: readonly OsUpdate[],
  device: { platform: PolicyPlatform; osVersion: string; reportedAt?: Date; now: Date },
): SettingCompliance {
  const index = updates.findIndex((u) => u.platform === device.platform);
  const update = updates[index];
  if (!update)
    return {
      setting: 'osUpdates',
      status: 'not-applicable',
      reason: `not applicable on ${device.platform} ${device.osVersion}: no update named for it`,
    };
  const setting = `osUpdates[${index}]`;
  const provenAt = device.reportedAt ? { provenAt: device.reportedAt } : {};
  switch (osUpdateCompliance(update, device.osVersion, device.now)) {
    case 'compliant':
      return { setting, status: 'compliant', ...provenAt };
    case 'pending':
      // Before the deadline the device is within its grace period.
      return {
        setting,
        status: 'compliant',
        reason: `below ${update.minimumVersion}; the deadline ${update.deadline} has not passed`,
        ...provenAt,
      };
    case 'overdue':
      return {
        setting,
        status: 'failing',
        reason: `${device.osVersion} is below ${update.minimumVersion} past the deadline ${update.deadline}`,
        ...provenAt,
      };
  }
}
