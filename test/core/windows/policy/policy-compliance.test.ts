import { describe, expect, it } from 'vitest';
import { parsePolicy, type PolicySettings } from '../../../../core/policy/index.js';
import {
  translateWindowsPolicy,
  verifyNodes,
  windowsPolicyCompliance,
  type NodeState,
} from '../../../../core/windows/policy/index.js';
import { windows11 } from './windows-policy-fixtures.js';

const at = new Date('2026-11-30T10:00:00Z');
const LENGTH = './Device/Vendor/MSFT/Policy/Config/DeviceLock/MinDevicePasswordLength';
const REQUIRE = './Device/Vendor/MSFT/BitLocker/RequireDeviceEncryption';
const ENCRYPTED = './Vendor/MSFT/DeviceStatus/Compliance/EncryptionCompliance';
const FIREWALL_STATUS = './Vendor/MSFT/DeviceStatus/Firewall/Status';

function judge(settings: PolicySettings, nodes: Record<string, NodeState>, values?: Record<string, string>) {
  const policy = parsePolicy(JSON.stringify({ schemaVersion: 1, name: 'baseline', settings }), 'json');
  return windowsPolicyCompliance({
    policy,
    target: windows11,
    translation: translateWindowsPolicy(policy, windows11),
    nodes: new Map(Object.entries(nodes)),
    reported: values && { values, at },
    now: at,
  });
}

describe('Windows policy compliance', () => {
  it('is compliant once the PC proved every node, unknown before its answer', () => {
    expect(
      judge({ passcode: { minLength: 12 } }, { [LENGTH]: { status: 'installed', verifiedAt: at } }),
    ).toEqual([{ setting: 'passcode', status: 'compliant', provenAt: at }]);
    expect(
      judge({ passcode: { minLength: 12 } }, { [LENGTH]: { status: 'sent', verifiedAt: null } })[0]?.status,
    ).toBe('unknown');
  });

  it('fails the firewall with DeviceStatus’ reason while the PC reports it off, though every switch holds', () => {
    const profiles = ['DomainProfile', 'PrivateProfile', 'PublicProfile'];
    const set = Object.fromEntries(
      profiles.map((p) => [
        `./Vendor/MSFT/Firewall/MdmStore/${p}/EnableFirewall`,
        { status: 'installed' as const, verifiedAt: at },
      ]),
    );
    const judged = (status: string) =>
      judge({ firewall: { enabled: true } }, set, { [FIREWALL_STATUS]: status })[0];
    expect(judged('0')).toEqual({ setting: 'firewall', status: 'compliant', provenAt: at });
    expect(judged('1')).toEqual({
      setting: 'firewall',
      status: 'failing',
      reason: 'the firewall is disabled',
      provenAt: at,
    });
    expect(judged('2')?.reason).toBe(
      'the firewall is not monitoring every network, or some of its rules are off',
    );
    expect(judged('9')?.reason).toBe('the firewall is not on and monitoring');
  });

  it('fails disk encryption until DeviceStatus reports the disk encrypted, even with the policy set', () => {
    const set = { [REQUIRE]: { status: 'installed' as const, verifiedAt: at } };
    expect(
      judge({ diskEncryption: { required: true, escrowRecoveryKey: false } }, set, {
        [REQUIRE]: '1',
        [ENCRYPTED]: '0',
      }),
    ).toEqual([
      {
        setting: 'diskEncryption',
        status: 'failing',
        reason: 'BitLocker has not finished encrypting the system disk',
        provenAt: at,
      },
    ]);
    expect(
      judge({ diskEncryption: { required: true, escrowRecoveryKey: false } }, set, {
        [REQUIRE]: '1',
        [ENCRYPTED]: '1',
      })[0]?.status,
    ).toBe('compliant');
  });

  it('fails a setting whose node another policy sets to another value', () => {
    expect(
      judge({ passcode: { minLength: 12 } }, { [LENGTH]: { status: 'conflict', verifiedAt: null } }),
    ).toEqual([
      {
        setting: 'passcode',
        status: 'failing',
        reason: `another policy sets ${LENGTH} to another value`,
      },
    ]);
  });

  it('reports a setting Windows cannot do not applicable, with the reason', () => {
    expect(judge({ restrictions: { allowScreenshots: false } }, {})).toEqual([
      { setting: 'restrictions', status: 'compliant' },
      {
        setting: 'restrictions.allowScreenshots',
        status: 'not-applicable',
        reason:
          'not applicable on windows 10.0.22631.4460: the Policy CSP cannot block screenshots on Windows desktop',
      },
    ]);
  });

  it('treats a proven node that changed as drift, and a node the PC never took as failed', () => {
    const policy = parsePolicy(
      JSON.stringify({ schemaVersion: 1, name: 'b', settings: { passcode: { minLength: 12 } } }),
      'json',
    );
    const wanted = translateWindowsPolicy(policy, windows11).nodes;
    expect(verifyNodes([{ identifier: LENGTH, status: 'installed' }], wanted, { [LENGTH]: '4' })).toEqual({
      statuses: [{ identifier: LENGTH, status: 'missing' }],
      drift: true,
    });
    expect(verifyNodes([{ identifier: LENGTH, status: 'sent' }], wanted, {})).toEqual({
      statuses: [{ identifier: LENGTH, status: 'failed' }],
      drift: false,
    });
    expect(
      verifyNodes([{ identifier: LENGTH, status: 'sent' }], wanted, { [LENGTH]: '12' }).statuses[0]?.status,
    ).toBe('installed');
  });
});
