import { describe, expect, it } from 'vitest';
import { appleCommands, appleResultFacts } from '../../../../core/apple/commands/index.js';
import { appleAdminPlatform } from '../../../../admin/apple/apple-platform.js';

describe('the Apple command table', () => {
  it("accepts parameters under Apple's key names as well as camelCase", () => {
    expect(appleCommands.DeviceInformation.params.parse({ Queries: ['UDID'] })).toEqual({
      queries: ['UDID'],
    });
    expect(appleCommands.DeviceInformation.params.parse({ queries: ['UDID'] })).toEqual({
      queries: ['UDID'],
    });
    expect(appleCommands.DeviceLock.params.parse({ PIN: '123456', Message: 'hi' })).toEqual({
      pin: '123456',
      message: 'hi',
    });
    expect(appleCommands.ProfileList.params.parse({ ManagedOnly: true })).toEqual({ managedOnly: true });
    expect(
      appleCommands.RotateFileVaultKey.params.parse({
        KeyType: 'personal',
        FileVaultUnlock: { Password: 'x' },
      }),
    ).toEqual({ keyType: 'personal', fileVaultUnlock: { password: 'x' } });
  });

  it('refuses a parameter given under both names, an unknown key, and a prototype key, naming them', () => {
    const both = appleCommands.DeviceInformation.params.safeParse({ Queries: ['UDID'], queries: ['UDID'] });
    expect(both.success).toBe(false);
    expect(JSON.stringify(both.error?.issues)).toContain('queries');
    const unknown = appleCommands.DeviceLock.params.safeParse({ Pin: '123456' });
    expect(JSON.stringify(unknown.error?.issues)).toContain('Pin');
    const proto = appleCommands.DeviceLock.params.safeParse(JSON.parse('{"__proto__": {"pin": "1"}}'));
    expect(proto.success).toBe(false);
  });

  it('keeps the plist-text rule on string parameters under either name', () => {
    expect(appleCommands.DeviceLock.params.safeParse({ Message: 'bad\u0000' }).success).toBe(false);
    expect(appleCommands.RemoveProfile.params.safeParse({ identifier: 'bad\u0001' }).success).toBe(false);
  });

  it('lets the help desk send queries and a lock only', () => {
    const helpdesk = Object.keys(appleCommands).filter(
      (type) => appleAdminPlatform.commands.permission(type, false) === 'commands:send',
    );
    expect(helpdesk.sort()).toEqual([
      'CertificateList',
      'DeviceInformation',
      'DeviceLock',
      'InstalledApplicationList',
      'ProfileList',
      'SecurityInfo',
    ]);
  });
});

describe('appleResultFacts', () => {
  it('turns a DeviceInformation result into facts and the listed columns, through the typed decoder', () => {
    const queryResponses = {
      DeviceName: 'Mac',
      Model: 'Mac14,2',
      ModelName: 'MacBook Air',
      OSVersion: '15.2',
    };
    expect(
      appleResultFacts('DeviceInformation', { QueryResponses: { ...queryResponses, SerialNumber: 'C02' } }),
    ).toEqual({
      facts: { deviceInformation: { ...queryResponses, SerialNumber: 'C02' } },
      columns: { name: 'Mac', model: 'MacBook Air', osVersion: '15.2', serialNumber: 'C02' },
    });
  });

  it('keeps a secret out of the facts, marking where it was', () => {
    const patch = appleResultFacts('SecurityInfo', {
      SecurityInfo: { FDE_Enabled: true, FDE_PersonalRecoveryKeyCMS: 'Y21z' },
    });
    expect(patch).toEqual({
      facts: { securityInfo: { FDE_Enabled: true, FDE_PersonalRecoveryKeyCMS: '<redacted>' } },
    });
    const bypass = appleResultFacts('DeviceInformation', {
      QueryResponses: { ActivationLockBypassCode: 'ABC' },
    });
    expect(bypass?.facts).toEqual({ deviceInformation: { ActivationLockBypassCode: '<redacted>' } });
  });

  it('keeps the lists a list query answers', () => {
    expect(appleResultFacts('ProfileList', { ProfileList: [{ PayloadIdentifier: 'a' }] })).toEqual({
      facts: { profileList: [{ PayloadIdentifier: 'a' }] },
    });
  });

  it('adds nothing for commands without facts, unknown types, or results not shaped as Apple documents', () => {
    expect(appleResultFacts('DeviceLock', {})).toBeUndefined();
    expect(appleResultFacts('toString', {})).toBeUndefined();
    expect(appleResultFacts('DeviceInformation', { QueryResponses: { OSVersion: 15 } })).toBeUndefined();
    expect(appleResultFacts('SecurityInfo', {})).toBeUndefined();
  });
});
