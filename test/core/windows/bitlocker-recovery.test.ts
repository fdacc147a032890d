import { describe, expect, it } from 'vitest';
import { objectGuidFromString } from '../../../core/directory/active-directory.js';
import {
  BitLockerRecoveryError,
  computerDnOf,
  isRecoveryPassword,
  readRecoveryInformation,
  recoverySecret,
} from '../../../core/windows/bitlocker-recovery.js';

const PASSWORD = '000000-000011-720885-123453-000022-111111-222222-333333';
const RECOVERY = '1a2b3c4d-0000-4000-8000-00000000000a';
const VOLUME = 'f00dbabe-1111-4111-8111-00000000000b';

describe('BitLocker recovery information from AD', () => {
  it('accepts 48 digits in blocks of six that are multiples of 11 below 11 × 65536', () => {
    expect(isRecoveryPassword(PASSWORD)).toBe(true);
    expect(isRecoveryPassword(PASSWORD.replace('000011', '000012'))).toBe(false);
    expect(isRecoveryPassword(PASSWORD.replace('720885', '720896'))).toBe(false);
    expect(isRecoveryPassword(PASSWORD.slice(0, -7))).toBe(false);
    expect(isRecoveryPassword(PASSWORD.replaceAll('-', ''))).toBe(false);
  });

  it('reads the password and the GUIDs from their AD byte order', () => {
    expect(
      readRecoveryInformation({
        dn: 'cn=x,cn=PC,dc=keep,dc=test',
        'msFVE-RecoveryPassword': PASSWORD,
        'msFVE-RecoveryGuid': objectGuidFromString(RECOVERY),
        'msFVE-VolumeGuid': objectGuidFromString(VOLUME),
      }),
    ).toEqual({ recoveryGuid: RECOVERY, volumeGuid: VOLUME, password: PASSWORD });
  });

  it('refuses an object without a password or with a malformed one, naming the attribute and not the value', () => {
    const guid = objectGuidFromString(RECOVERY);
    expect(() => readRecoveryInformation({ dn: 'cn=x,cn=PC', 'msFVE-RecoveryGuid': guid })).toThrow(
      /msFVE-RecoveryPassword is absent/,
    );
    const bad = () =>
      readRecoveryInformation({
        dn: 'cn=x,cn=PC',
        'msFVE-RecoveryPassword': '4242',
        'msFVE-RecoveryGuid': guid,
      });
    expect(bad).toThrow(BitLockerRecoveryError);
    expect(bad).not.toThrow(/4242/);
    expect(() =>
      readRecoveryInformation({
        dn: 'cn=x,cn=PC',
        'msFVE-RecoveryPassword': PASSWORD,
        'msFVE-RecoveryGuid': Buffer.from('short'),
      }),
    ).toThrow(/msFVE-RecoveryGuid is not a 16-octet GUID/);
  });

  it('finds the computer as the parent of the object, past escaped commas in its name', () => {
    expect(computerDnOf('cn=2026-11-30T18:00:00-00:00{ABC},cn=PC-1,ou=computers,dc=keep,dc=test')).toBe(
      'cn=PC-1,ou=computers,dc=keep,dc=test',
    );
    expect(computerDnOf('cn=a\\,b,cn=PC-1,dc=test')).toBe('cn=PC-1,dc=test');
  });

  it('vaults the same set as the same bytes whatever order the directory returned it in', () => {
    const a = { recoveryGuid: RECOVERY, volumeGuid: VOLUME, password: PASSWORD };
    const b = { recoveryGuid: VOLUME, volumeGuid: null, password: PASSWORD };
    expect(recoverySecret([a, b]).equals(recoverySecret([b, a]))).toBe(true);
    expect(JSON.parse(recoverySecret([a]).toString())).toEqual([a]);
  });
});
