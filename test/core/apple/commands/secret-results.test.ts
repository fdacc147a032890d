import { describe, expect, it } from 'vitest';
import { redactSecrets, SECRET_RESULT_KEYS } from '../../../../core/apple/commands/index.js';

describe('redactSecrets', () => {
  it('replaces each secret its RequestType declares, reports where, and leaves the input alone', () => {
    const result = { RotateResult: { EncryptedNewRecoveryKey: 'Y21z', Other: 1 } };
    expect(redactSecrets('RotateFileVaultKey', result)).toEqual({
      result: { RotateResult: { EncryptedNewRecoveryKey: '<redacted>', Other: 1 } },
      redacted: ['RotateResult.EncryptedNewRecoveryKey'],
    });
    expect(result.RotateResult.EncryptedNewRecoveryKey).toBe('Y21z');
  });

  it('passes through results without their secret keys and RequestTypes without secrets', () => {
    expect(redactSecrets('SecurityInfo', { SecurityInfo: { FDE_Enabled: false } }).redacted).toEqual([]);
    expect(redactSecrets('SecurityInfo', { SecurityInfo: 'not a dictionary' }).redacted).toEqual([]);
    for (const type of ['ProfileList', 'constructor', '__proto__', 'toString']) {
      expect(redactSecrets(type, { ProfileList: [] })).toEqual({ result: { ProfileList: [] }, redacted: [] });
    }
  });

  it('covers the secrets Apple documents in command results', () => {
    expect(Object.keys(SECRET_RESULT_KEYS)).toEqual(
      expect.arrayContaining([
        'ActivationLockBypassCode',
        'RequestUnlockToken',
        'SecurityInfo',
        'RotateFileVaultKey',
      ]),
    );
  });
});
