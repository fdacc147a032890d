// Whether a device can enforce a declaration, payload, command or key, read from Apple's own `supportedOS`.
import { compareOsVersions } from '../../policy/os-version.js';
import {
  loadAppleSchema,
  type AppleSchema,
  type OsSupport,
  type SchemaKey,
} from '../schemas/apple-schema.js';
import type { AppleTarget } from './apple-target.js';

/** Apple's schemas describe iPadOS under iOS. */
function schemaOs(target: AppleTarget): 'iOS' | 'macOS' {
  return target.platform === 'macOS' ? 'macOS' : 'iOS';
}

/** How Apple's declaration schemas name an enrollment in `allowed-enrollments`. */
function enrollmentKind(target: AppleTarget): 'supervised' | 'device' | 'user' {
  if (target.enrollment === 'user') return 'user';
  return target.supervised ? 'supervised' : 'device';
}

/** `undefined` when supported; otherwise why not, as "not applicable on <platform> <version>: …". */
export function unsupportedReason(target: AppleTarget, support: OsSupport | undefined): string | undefined {
  const why = unsupportedDetail(target, support);
  return why && `not applicable on ${target.platform} ${target.osVersion}: ${why}`;
}

function unsupportedDetail(target: AppleTarget, support: OsSupport | undefined): string | undefined {
  if (!support?.introduced || support.introduced === 'n/a') return `${target.platform} has no such setting`;
  if (compareOsVersions(target.osVersion, support.introduced) < 0)
    return `needs ${support.introduced} or later`;
  if (support.removed && compareOsVersions(target.osVersion, support.removed) >= 0) {
    return `removed in ${support.removed}`;
  }
  if (support.supervised === true && !target.supervised) return 'needs a supervised device';
  const allowed = support['allowed-enrollments'];
  const kind = enrollmentKind(target);
  // A supervised device is also device-enrolled, so a declaration allowed for either applies to it.
  if (allowed && !allowed.includes(kind) && !(kind === 'supervised' && allowed.includes('device'))) {
    return `not available on ${kind === 'user' ? 'User Enrollment' : `${kind} enrollment`}`;
  }
  const mode = support.userenrollment?.mode;
  if (target.enrollment === 'user' && (mode === 'forbidden' || mode === 'ignored')) {
    return `${mode} with User Enrollment`;
  }
  return undefined;
}

/** The schema file of a declaration type: `com.apple.configuration.passcode.settings` → configurations/passcode.settings.yaml. */
export function declarationSchema(type: string): AppleSchema {
  const match = /^com\.apple\.(activation|asset|configuration|management)\.([A-Za-z0-9.-]+)$/.exec(type);
  if (!match) throw new TypeError(`${type} is not a declaration type`);
  const folder = match[1] === 'management' ? 'management' : `${match[1]}s`;
  return loadAppleSchema(`declarative/declarations/${folder}/${match[2]}.yaml`);
}

export function supportReason(target: AppleTarget, schema: AppleSchema): string | undefined {
  return unsupportedReason(target, schema.payload.supportedOS?.[schemaOs(target)]);
}

/** A key inherits its payload's support and narrows it (a later OS, supervision, no User Enrollment). */
export function keySupportReason(
  target: AppleTarget,
  schema: AppleSchema,
  key: SchemaKey,
): string | undefined {
  const os = schemaOs(target);
  return unsupportedReason(target, { ...schema.payload.supportedOS?.[os], ...key.supportedOS?.[os] });
}

export function schemaKey(schema: AppleSchema, name: string): SchemaKey {
  const key = schema.payloadkeys?.find((k) => k.key === name);
  if (!key) throw new TypeError(`${schema.title} has no key ${name}`);
  return key;
}

/** Whether the device takes Declarative Device Management at all: it must take the activation Keep sends. */
export function takesDeclarativeManagement(target: AppleTarget): boolean {
  return supportReason(target, declarationSchema('com.apple.activation.simple')) === undefined;
}
