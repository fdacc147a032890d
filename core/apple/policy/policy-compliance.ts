// Per-setting compliance of one policy on one Apple device, from the device's own answers (ProfileList,
// SecurityInfo, DDM status reports, installed apps, its reported OS version), never from "Keep sent it". Pure, so any writer can call it.
import type { PolicyProfileStatus } from '../../db/core/policy.table.js';
import { worstCompliance, type SettingCompliance } from '../../policy/setting-compliance.js';
import { declarationCompliance, type ReportedDeclarations } from './declaration-verification.js';
import { appCompliance, type InstalledApps, type PolicyCommandState } from './app-verification.js';
import { osUpdateSettingCompliance, type Policy, type PolicySettingName } from '../../policy/index.js';
import type { AppleTarget, AppleTranslation } from './apple-target.js';

export type { SettingCompliance };

export interface ProfileState {
  status: PolicyProfileStatus;
  verifiedAt: Date | null;
}

export interface ComplianceInput {
  policy: Policy;
  target: AppleTarget;
  translation: AppleTranslation;
  /** Keep's profiles on the device by identifier, as the last ProfileList proved them. */
  profiles: ReadonlyMap<string, ProfileState>;
  /** The device's last SecurityInfo answer, and when it was recorded. */
  securityInfo?: { info: Record<string, unknown>; at: Date } | undefined;
  /** The device's last DDM status report, judged against the declarations Keep serves it. */
  declarationReport?: ReportedDeclarations | undefined;
  /** The policy commands Keep sent the device, by setting (`apps[0]`), with the device's answers. */
  commands?: ReadonlyMap<string, PolicyCommandState> | undefined;
  /** The device's last InstalledApplicationList. */
  installedApps?: InstalledApps | undefined;
  /** When the device last reported its OS version. */
  osVersionAt?: Date | undefined;
  now: Date;
}

export function applePolicyCompliance(input: ComplianceInput): SettingCompliance[] {
  const { policy, translation } = input;
  const out: SettingCompliance[] = [];
  for (const name of Object.keys(policy.settings) as PolicySettingName[]) {
    if (policy.settings[name] === undefined) continue;
    if (name === 'apps') {
      // Each app is its own command and proof, so each entry is judged (or not applicable) on its own.
      out.push(
        ...appCompliance(
          policy.settings.apps ?? [],
          translation,
          input.commands ?? new Map(),
          input.installedApps,
        ),
        ...translation.notApplicable
          .filter((n) => n.setting.startsWith('apps['))
          .map((n) => ({ setting: n.setting, status: 'not-applicable' as const, reason: n.reason })),
      );
      continue;
    }
    const whole = translation.notApplicable.find(
      (n) => n.setting === name || n.setting.startsWith(`${name}[`),
    );
    out.push(
      whole
        ? { setting: whole.setting, status: 'not-applicable', reason: whole.reason }
        : settingStatus(name, input),
    );
    // Fields the device cannot take are reported beside the setting, which is judged on what it can.
    for (const field of translation.notApplicable)
      if (field.setting.startsWith(`${name}.`))
        out.push({ setting: field.setting, status: 'not-applicable', reason: field.reason });
  }
  return out;
}

function settingStatus(name: PolicySettingName, input: ComplianceInput): SettingCompliance {
  const { translation } = input;
  if (name === 'osUpdates') return osUpdateStatus(input);
  const profile = translation.profiles.find((p) => p.setting === name);
  const declared = translation.declarations.filter((d) => d.setting === name);
  if (profile || declared.length > 0) {
    const parts: SettingCompliance[] = [];
    // A profile sent by InstallProfile is proven by ProfileList; one fetched through its legacy declaration
    // (which is among `declared`) by the declaration's status report.
    if (profile?.delivery === 'command')
      parts.push(profileStatus(name, profile.identifier, input.profiles.get(profile.identifier)));
    if (declared.length > 0) parts.push(declarationCompliance(name, declared, input.declarationReport));
    const worst = worstCompliance(parts);
    return profile && worst.status === 'compliant' && name === 'diskEncryption'
      ? fileVaultStatus(input, worst)
      : worst;
  }
  // Nothing to enforce (e.g. encryption not required): the device meets it as it is.
  return { setting: name, status: 'compliant' };
}

function profileStatus(
  setting: string,
  identifier: string,
  state: ProfileState | undefined,
): SettingCompliance {
  switch (state?.status) {
    case 'installed':
      return { setting, status: 'compliant', ...(state.verifiedAt ? { provenAt: state.verifiedAt } : {}) };
    case 'missing':
      return {
        setting,
        status: 'failing',
        reason: `profile ${identifier} was removed from the device; re-applying`,
      };
    case 'failed':
      return { setting, status: 'failing', reason: `the device did not install profile ${identifier}` };
    case 'sent':
    case undefined:
      return { setting, status: 'unknown', reason: `waiting for the device's ProfileList` };
    default: {
      const unknown: never = state!.status;
      throw new TypeError(`unknown profile status ${String(unknown)}`);
    }
  }
}

/** FileVault turns on at the user's next logout, so the installed profile alone does not prove encryption. */
function fileVaultStatus(input: ComplianceInput, installed: SettingCompliance): SettingCompliance {
  const security = input.securityInfo;
  if (!security)
    return { setting: 'diskEncryption', status: 'unknown', reason: `waiting for the device's SecurityInfo` };
  if (security.info.FDE_Enabled !== true)
    return {
      setting: 'diskEncryption',
      status: 'failing',
      reason: 'FileVault is not on yet (it turns on at the next logout)',
      provenAt: security.at,
    };
  return { ...installed, provenAt: security.at };
}

function osUpdateStatus(input: ComplianceInput): SettingCompliance {
  const { policy, target } = input;
  return osUpdateSettingCompliance(policy.settings.osUpdates ?? [], {
    platform: target.platform,
    osVersion: target.osVersion,
    ...(input.osVersionAt ? { reportedAt: input.osVersionAt } : {}),
    now: input.now,
  });
}
