import { describe, expect, it } from 'vitest';
import {
  carriesFileVaultKey,
  fileVaultKeyCms,
  isPersonalRecoveryKey,
} from '../../../core/apple/filevault-recovery-key.js';

describe('FileVault recovery key in a command result', () => {
  it('finds the encrypted key in SecurityInfo and in a RotateFileVaultKey result, and nothing elsewhere', () => {
    const cms = Buffer.from('cms bytes').toString('base64');
    const security = { SecurityInfo: { FDE_Enabled: true, FDE_PersonalRecoveryKeyCMS: cms } };
    const rotate = { RotateResult: { EncryptedNewRecoveryKey: cms } };
    expect(fileVaultKeyCms(security)?.toString()).toBe('cms bytes');
    expect(fileVaultKeyCms(rotate)?.toString()).toBe('cms bytes');
    expect(carriesFileVaultKey(security)).toBe(true);
    expect(carriesFileVaultKey({ SecurityInfo: { FDE_Enabled: true } })).toBe(false);
    expect(carriesFileVaultKey({ SecurityInfo: { FDE_PersonalRecoveryKeyCMS: '' } })).toBe(false);
    expect(carriesFileVaultKey(null)).toBe(false);
  });

  it('accepts only six groups of four upper-case letters and digits', () => {
    expect(isPersonalRecoveryKey('ABCD-EFGH-JKLM-NPQR-STUV-WX12')).toBe(true);
    expect(isPersonalRecoveryKey('ABCD-EFGH-JKLM-NPQR-STUV')).toBe(false);
    expect(isPersonalRecoveryKey('abcd-efgh-jklm-npqr-stuv-wxyz')).toBe(false);
    expect(isPersonalRecoveryKey('ABCD-EFGH-JKLM-NPQR-STUV-WXYZ\n')).toBe(false);
  });
});
