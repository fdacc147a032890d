import { describe, expect, it } from 'vitest';
import { REDACTED } from '../../../../core/apple/commands/index.js';
import { appleResultFacts } from '../../../../core/apple/commands/result-facts.js';

describe('appleResultFacts', () => {
  it('turns DeviceInformation into facts and the list columns, without a bypass code', () => {
    const patch = appleResultFacts('DeviceInformation', {
      QueryResponses: {
        DeviceName: 'Mac 1',
        Model: 'Mac14,2',
        ModelName: 'MacBook Air',
        OSVersion: '15.2',
        SerialNumber: 'C02XYZ',
        ActivationLockBypassCode: 'AAAA-BBBB',
      },
    });
    expect(patch?.columns).toEqual({
      name: 'Mac 1',
      model: 'MacBook Air',
      osVersion: '15.2',
      serialNumber: 'C02XYZ',
    });
    expect(patch?.facts).toMatchObject({
      deviceInformation: { DeviceName: 'Mac 1', ActivationLockBypassCode: REDACTED },
    });
  });

  it('sets only the columns the device answered', () => {
    expect(appleResultFacts('DeviceInformation', { QueryResponses: { OSVersion: '18.1' } })?.columns).toEqual(
      {
        osVersion: '18.1',
      },
    );
  });

  it('keeps SecurityInfo without the FileVault recovery key, and lists under their own key', () => {
    const security = appleResultFacts('SecurityInfo', {
      SecurityInfo: { FDE_Enabled: true, FDE_PersonalRecoveryKeyCMS: 'Y21z' },
    });
    expect(security).toEqual({
      facts: { securityInfo: { FDE_Enabled: true, FDE_PersonalRecoveryKeyCMS: REDACTED } },
    });
    expect(appleResultFacts('ProfileList', { ProfileList: [{ PayloadIdentifier: 'a' }] })).toEqual({
      facts: { profileList: [{ PayloadIdentifier: 'a' }] },
    });
  });

  it('adds nothing for a command whose result is not inventory', () => {
    expect(appleResultFacts('DeviceLock', {})).toBeUndefined();
    expect(appleResultFacts('RequestUnlockToken', { UnlockToken: 'c2VjcmV0' })).toBeUndefined();
  });
});
