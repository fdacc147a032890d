// Which commands a User Enrollment (BYOD) takes. On a personal device the organisation manages only its own data,
// so Apple refuses device-wide commands there; Keep refuses them first, with the reason, instead of queueing a
// command the device can only answer with an error.
// https://developer.apple.com/documentation/devicemanagement/user-enrollment
import { appleCommands, isRequestType, type UserEnrollmentOs } from './command-table.js';

/** What Keep's inventory knows of an Apple device: the OS family Postgres derived and its facts. */
export interface UserEnrollmentTarget {
  os_platform: string | null;
  facts: Record<string, unknown>;
}

/** A User Enrollment authenticates with an EnrollmentID instead of a UDID; the edge's event says so. */
export function isUserEnrollment(facts: Record<string, unknown>): boolean {
  const authenticate = facts.authenticate as Record<string, unknown> | undefined;
  return authenticate?.userEnrollment === true;
}

function userEnrollmentOs(platform: string | null): UserEnrollmentOs | undefined {
  if (platform === 'macOS') return 'macOS';
  if (platform === 'iOS' || platform === 'iPadOS') return 'iOS';
  return undefined;
}

/**
 * Why the device cannot take `requestType`, or undefined when it can. A raw plist of a type Keep has no entry for
 * is the admin's to judge. Before the device has said which OS it runs, only what every OS allows goes.
 */
export function userEnrollmentRefusal(requestType: string, device: UserEnrollmentTarget): string | undefined {
  if (!isUserEnrollment(device.facts) || !isRequestType(requestType)) return undefined;
  const allowed = appleCommands[requestType].userEnrollment;
  const os = userEnrollmentOs(device.os_platform);
  if (os ? allowed.includes(os) : allowed.length === 2) return undefined;
  return allowed.length === 0
    ? `${requestType} acts on the whole device, which a User Enrollment (a personal device) does not allow`
    : `${requestType} is allowed on a User Enrollment only on ${allowed.join(', ')}` +
        (os
          ? `, and this device runs ${device.os_platform}`
          : ', and this device has not reported its OS yet');
}
