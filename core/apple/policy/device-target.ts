// The AppleTarget of an enrolled device, read from its inventory: the OS family Postgres derived, its reported
// OS version, whether DeviceInformation said it is supervised, and whether it is a User Enrollment.
import { isUserEnrollment } from '../commands/user-enrollment.js';
import type { AppleTarget } from './apple-target.js';

export interface AppleDeviceRecord {
  os_platform: string | null;
  os_version: string | null;
  facts: Record<string, unknown>;
}

/** Undefined until the device has reported enough to translate for it (its product name and OS version). */
export function appleTargetOf(device: AppleDeviceRecord): AppleTarget | undefined {
  const platform = device.os_platform;
  if (platform !== 'macOS' && platform !== 'iOS' && platform !== 'iPadOS') return undefined;
  if (!device.os_version) return undefined;
  const info = device.facts.deviceInformation as Record<string, unknown> | undefined;
  return {
    platform,
    osVersion: device.os_version,
    // Unknown until DeviceInformation answers: assume not, so nothing needing supervision is promised.
    supervised: info?.IsSupervised === true,
    enrollment: isUserEnrollment(device.facts) ? 'user' : 'device',
  };
}
