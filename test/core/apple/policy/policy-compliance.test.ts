import { describe, expect, it } from 'vitest';
import { serverToken } from '../../../../core/apple/declarative/index.js';
import {
  applePolicyCompliance,
  declarationDrift,
  reportedDeclarations,
  translatePolicy,
  type AppleTarget,
  type ProfileState,
} from '../../../../core/apple/policy/index.js';
import type { Policy } from '../../../../core/policy/index.js';

const context = {
  identifierPrefix: 'keep',
  organization: 'Example',
  profileBaseUrl: 'https://mdm.example.com/mdm/profiles/',
  declarativeManagement: false,
};
const mac: AppleTarget = { platform: 'macOS', osVersion: '15.1', supervised: false, enrollment: 'device' };
const iphone: AppleTarget = { platform: 'iOS', osVersion: '17.5', supervised: false, enrollment: 'device' };
const now = new Date('2026-11-30T12:00:00Z');
const provenAt = new Date('2026-11-30T11:00:00Z');

const policy: Policy = {
  schemaVersion: 1,
  name: 'baseline',
  settings: {
    firewall: { enabled: true },
    passcode: { minLength: 8 },
    osUpdates: [{ platform: 'macOS', minimumVersion: '15.2', deadline: '2026-12-01T18:00:00' }],
  },
};

function compliance(target: AppleTarget, profiles: Record<string, ProfileState['status']>, at = now) {
  const translation = translatePolicy(policy, target, context);
  return applePolicyCompliance({
    policy,
    target,
    translation,
    profiles: new Map(Object.entries(profiles).map(([id, status]) => [id, { status, verifiedAt: provenAt }])),
    osVersionAt: provenAt,
    now: at,
  });
}

describe('applePolicyCompliance', () => {
  it('is compliant where ProfileList proved the profile installed, with the time of that proof', () => {
    const result = compliance(mac, {
      'keep.policy.baseline.profile.firewall': 'installed',
      'keep.policy.baseline.profile.passcode': 'installed',
    });
    expect(result).toContainEqual({ setting: 'firewall', status: 'compliant', provenAt });
    expect(result).toContainEqual({ setting: 'passcode', status: 'compliant', provenAt });
  });

  it('is unknown while a sent profile is unproven, and failing when it was removed or never installed', () => {
    const result = compliance(mac, {
      'keep.policy.baseline.profile.firewall': 'missing',
      'keep.policy.baseline.profile.passcode': 'sent',
    });
    expect(result.find((r) => r.setting === 'firewall')).toMatchObject({ status: 'failing' });
    expect(result.find((r) => r.setting === 'passcode')).toMatchObject({ status: 'unknown' });
    expect(compliance(mac, { 'keep.policy.baseline.profile.passcode': 'failed' })).toContainEqual(
      expect.objectContaining({ setting: 'passcode', status: 'failing' }),
    );
  });

  it('reports a macOS-only setting, and an OS update named for another platform, not applicable on an iPhone', () => {
    const result = compliance(iphone, { 'keep.policy.baseline.profile.passcode': 'installed' });
    expect(result.find((r) => r.setting === 'firewall')).toMatchObject({
      status: 'not-applicable',
      reason: expect.stringMatching(/^not applicable on iOS 17\.5/),
    });
    expect(result.find((r) => r.setting === 'osUpdates')).toMatchObject({ status: 'not-applicable' });
  });

  it('judges an OS update by the reported version: compliant before the deadline, failing after it', () => {
    // ScheduleOSUpdate needs supervision on macOS; unsupervised, the update is not applicable.
    const supervised = { ...mac, supervised: true };
    const before = compliance(supervised, {}).find((r) => r.setting === 'osUpdates[0]');
    expect(before).toMatchObject({ status: 'compliant', reason: expect.stringContaining('has not passed') });
    const after = compliance(supervised, {}, new Date('2026-12-02T00:00:00Z')).find(
      (r) => r.setting === 'osUpdates[0]',
    );
    expect(after).toMatchObject({ status: 'failing', provenAt });
  });

  describe('with declarations served by DDM', () => {
    const ddm = { ...context, declarativeManagement: true, profilesByDeclaration: false };
    // macOS takes the passcode declaration only supervised; an iPhone takes it on device enrollment.
    const translation = translatePolicy(policy, iphone, ddm);
    const passcode = translation.declarations.find((d) => d.setting === 'passcode')!;
    /** A status report as the core records it (the edge's decoded StatusReport in the device's facts). */
    const report = (valid: string, token = serverToken(passcode), full = true) =>
      reportedDeclarations(
        {
          fullReport: full,
          declarations: [
            {
              identifier: passcode.identifier,
              serverToken: token,
              active: valid === 'valid',
              valid,
              reasons: valid === 'invalid' ? [{ code: 'Error.ConfigurationCannotBeApplied' }] : [],
            },
          ],
        },
        provenAt,
      );
    const passcodeStatus = (declarationReport: ReturnType<typeof report>) =>
      applePolicyCompliance({
        policy,
        target: iphone,
        translation,
        profiles: new Map(),
        declarationReport,
        now,
      }).find((r) => r.setting === 'passcode');

    it('is compliant once the status report calls the declaration valid and active, with its time', () => {
      expect(passcodeStatus(report('valid'))).toEqual({ setting: 'passcode', status: 'compliant', provenAt });
    });

    it('is failing when the device reports the declaration invalid, naming the declaration and reason', () => {
      expect(passcodeStatus(report('invalid'))).toMatchObject({
        status: 'failing',
        reason: expect.stringContaining(`${passcode.identifier} invalid: Error.ConfigurationCannotBeApplied`),
        provenAt,
      });
    });

    it('is unknown before a report, and while the report names an older ServerToken', () => {
      expect(passcodeStatus(undefined)).toMatchObject({ status: 'unknown' });
      expect(passcodeStatus(report('valid', 'older'))).toMatchObject({ status: 'unknown' });
    });

    it('sees drift only in a full report that lacks a declaration or names an older ServerToken', () => {
      const mine = translation.declarations.filter((d) => d.identifier === passcode.identifier);
      expect(declarationDrift(mine, report('valid'))).toBe(false);
      expect(declarationDrift(mine, report('invalid'))).toBe(false);
      expect(declarationDrift(mine, report('valid', 'older'))).toBe(true);
      expect(declarationDrift(mine, report('valid', 'older', false))).toBe(false);
      expect(declarationDrift(translation.declarations, report('valid'))).toBe(true);
      expect(declarationDrift(mine, undefined)).toBe(false);
    });
  });

  describe('with profiles fetched through legacy declarations', () => {
    const legacyContext = { ...context, declarativeManagement: true };
    const restrictions: Policy = {
      schemaVersion: 1,
      name: 'baseline',
      settings: { restrictions: { allowCamera: false } },
    };
    const translation = translatePolicy(restrictions, iphone, legacyContext);
    const legacy = translation.declarations.find((d) => d.type === 'com.apple.configuration.legacy')!;
    const status = (valid: string | undefined) =>
      applePolicyCompliance({
        policy: restrictions,
        target: iphone,
        translation,
        // ProfileList knows nothing of it: the declaration's status report is the proof.
        profiles: new Map(),
        declarationReport:
          valid === undefined
            ? undefined
            : reportedDeclarations(
                {
                  fullReport: true,
                  declarations: [
                    {
                      identifier: legacy.identifier,
                      serverToken: serverToken(legacy),
                      active: valid === 'valid',
                      valid,
                      reasons: valid === 'invalid' ? [{ code: 'Error.ProfileInstallFailed' }] : [],
                    },
                  ],
                },
                provenAt,
              ),
        now,
      }).find((r) => r.setting === 'restrictions');

    it('is proven by the legacy declaration reported valid, not by a ProfileList', () => {
      expect(translation.profiles[0]?.delivery).toBe('declaration');
      expect(status(undefined)).toMatchObject({ status: 'unknown' });
      expect(status('valid')).toEqual({ setting: 'restrictions', status: 'compliant', provenAt });
      expect(status('invalid')).toMatchObject({
        status: 'failing',
        reason: expect.stringContaining('Error.ProfileInstallFailed'),
      });
    });
  });
});
