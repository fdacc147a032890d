// Translates a platform-neutral policy into what an Apple device takes: DDM declarations where its OS
// supports them, profiles and commands where it does not, and a reason for every setting it cannot enforce.
import {
  policyContentHash,
  type Policy,
  type PolicySettingName,
  type PolicySettings,
} from '../../policy/index.js';
import { declarationClass, type Declaration } from '../declarative/index.js';
import type {
  AppleTarget,
  AppleTranslation,
  AppleTranslationContext,
  ProfilePayloadSet,
} from './apple-target.js';
import { LEGACY_DECLARATION, legacyProfileDeclaration } from './policy-profile.js';
import { settingEnv, type SettingTranslator } from './setting-translator.js';
import { translateApps } from './settings/apps.js';
import { translateCertificates } from './settings/certificates.js';
import { translateDiskEncryption } from './settings/disk-encryption.js';
import { translateFirewall } from './settings/firewall.js';
import { translateOsUpdates } from './settings/os-update.js';
import { translatePasscode, translateScreenLock } from './settings/passcode.js';
import { translateRaw } from './settings/raw.js';
import { translateRestrictions } from './settings/restrictions.js';
import { translateWifi } from './settings/wifi.js';
import { validateTranslation } from './validate-translation.js';

/** One translator per setting; a new setting fails to compile until it has one. Order fixes output order. */
const TRANSLATORS: { [K in PolicySettingName]-?: SettingTranslator<NonNullable<PolicySettings[K]>> } = {
  diskEncryption: translateDiskEncryption,
  screenLock: translateScreenLock,
  passcode: translatePasscode,
  firewall: translateFirewall,
  osUpdates: translateOsUpdates,
  restrictions: translateRestrictions,
  wifi: translateWifi,
  certificates: translateCertificates,
  apps: translateApps,
  raw: translateRaw,
};

export function translatePolicy(
  policy: Policy,
  target: AppleTarget,
  context: AppleTranslationContext,
): AppleTranslation {
  const env = settingEnv(target, context, policy.name);
  const viaDeclaration =
    context.profilesByDeclaration !== false && env.declarationReason(LEGACY_DECLARATION) === undefined;
  const result: AppleTranslation = { declarations: [], profiles: [], commands: [], notApplicable: [] };
  for (const name of Object.keys(TRANSLATORS) as PolicySettingName[]) {
    const value = policy.settings[name];
    if (value === undefined) continue;
    const out = (TRANSLATORS[name] as SettingTranslator<typeof value>)(value, env);
    result.declarations.push(...(out.declarations ?? []).map((d) => ({ ...d, setting: name })));
    result.commands.push(...(out.commands ?? []));
    result.notApplicable.push(...(out.notApplicable ?? []));
    if (out.payloads?.length) {
      // A profile with a secret goes by InstallProfile, encrypted to the device's identity: a declared profile
      // waits at the edge under the edge's own key, which a compromised edge could open.
      const declared = viaDeclaration && !out.containsSecrets;
      const set: ProfilePayloadSet = {
        identifier: env.identifier(`profile.${name}`),
        displayName: `${policy.name}: ${name}`,
        setting: name,
        payloads: out.payloads,
        containsSecrets: out.containsSecrets ?? false,
        delivery: declared ? 'declaration' : 'command',
      };
      result.profiles.push(set);
      if (declared) result.declarations.push({ ...legacyProfileDeclaration(set, context), setting: name });
    }
  }
  result.declarations.push(...management(policy, result.declarations, env.identifier));
  validateTranslation(result, target, context);
  return result;
}

/** The activation that installs every configuration, and properties naming the policy it came from. */
function management(
  policy: Policy,
  declarations: Declaration[],
  identifier: (part: string) => string,
): Declaration[] {
  const configurations = declarations
    .filter((d) => declarationClass(d.type) === 'Configurations')
    .map((d) => d.identifier)
    .sort();
  if (configurations.length === 0) return [];
  return [
    {
      type: 'com.apple.activation.simple',
      identifier: identifier('activation'),
      payload: { StandardConfigurations: configurations },
    },
    {
      type: 'com.apple.management.properties',
      identifier: identifier('properties'),
      payload: { 'keep.policy.name': policy.name, 'keep.policy.hash': policyContentHash(policy) },
    },
  ];
}
