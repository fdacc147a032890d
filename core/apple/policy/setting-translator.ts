// The contract of one setting's translator: what it may ask of the translation, and what it gives back.
import { createHash } from 'node:crypto';
import type { Declaration } from '../declarative/index.js';
import type { PlistDict } from '../plist-codec.js';
import { declarationSchema, supportReason } from './apple-support.js';
import type { AppleTarget, AppleTranslationContext, NotApplicable, PolicyCommand } from './apple-target.js';

export interface SettingOutput {
  /** Configurations and assets; the translation adds the activation. */
  declarations?: Declaration[];
  /** Profile payloads, installed together as this setting's profile. */
  payloads?: PlistDict[];
  containsSecrets?: boolean;
  commands?: PolicyCommand[];
  notApplicable?: NotApplicable[];
}

export interface SettingEnv {
  target: AppleTarget;
  context: AppleTranslationContext;
  /** `<prefix>.policy.<policy name>.<part>`: stable, so a device replaces rather than duplicates. */
  identifier: (part: string) => string;
  /** A profile payload with the common keys filled in deterministically. */
  payload: (part: string, type: string, displayName: string, content: PlistDict) => PlistDict;
  /** Why DDM cannot carry this declaration type on the target, or `undefined` if it can. */
  declarationReason: (type: string) => string | undefined;
}

export type SettingTranslator<T> = (value: T, env: SettingEnv) => SettingOutput;

/** A UUID derived from a name, so that the same input gives the same profile bytes. */
export function deterministicUuid(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  // Version 8 (custom) with the RFC 9562 variant bits.
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`.toUpperCase();
}

export function settingEnv(
  target: AppleTarget,
  context: AppleTranslationContext,
  policyName: string,
): SettingEnv {
  const identifier = (part: string) => `${context.identifierPrefix}.policy.${policyName}.${part}`;
  return {
    target,
    context,
    identifier,
    payload: (part, type, displayName, content) => ({
      PayloadType: type,
      PayloadVersion: 1,
      PayloadIdentifier: identifier(part),
      PayloadUUID: deterministicUuid(identifier(part)),
      PayloadDisplayName: displayName,
      PayloadOrganization: context.organization,
      ...content,
    }),
    declarationReason: (type) =>
      context.declarativeManagement === false
        ? `not applicable on ${target.platform} ${target.osVersion}: Keep serves this device no declarations`
        : supportReason(target, declarationSchema(type)),
  };
}
