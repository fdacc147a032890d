// BitLocker recovery passwords as Active Directory keeps them and as Keep vaults them. Windows backs each recovery
// password up as one `msFVE-RecoveryInformation` object, a child of the computer object ([MS-ADA2] msFVE-*); Keep
// vaults a PC's whole set as one `bitlocker-recovery` secret, so any change in AD (a new protector, a rotated
// password, one removed) is exactly one new version, and a help desk finds the password by the recovery key ID the
// PC's recovery screen shows (the first block of msFVE-RecoveryGuid).
import { objectGuidToString } from '../directory/active-directory.js';
import type { LdapEntry } from '../directory/directory-dialect.js';

export const RECOVERY_INFORMATION_CLASS = 'msFVE-RecoveryInformation';

export const RECOVERY_ATTRIBUTES = {
  password: 'msFVE-RecoveryPassword',
  recoveryGuid: 'msFVE-RecoveryGuid',
  volumeGuid: 'msFVE-VolumeGuid',
} as const;

/** The GUIDs are 16 octets on the wire; read as text they would be mangled. */
export const RECOVERY_BINARY_ATTRIBUTES = [RECOVERY_ATTRIBUTES.recoveryGuid, RECOVERY_ATTRIBUTES.volumeGuid];

export interface BitLockerRecoveryPassword {
  /** The recovery key ID (canonical GUID string). */
  recoveryGuid: string;
  /** The volume it unlocks; absent on objects written by Windows versions before 7. */
  volumeGuid: string | null;
  password: string;
}

/** An object Keep cannot vault; the message names the attribute, never its value. */
export class BitLockerRecoveryError extends Error {
  override name = 'BitLockerRecoveryError';
}

/**
 * 48 digits in eight blocks of six; each block is a 16-bit value times 11, so a typo or a truncated copy fails here
 * instead of being vaulted as the only way into a disk.
 */
export function isRecoveryPassword(value: string): boolean {
  const blocks = value.split('-');
  return (
    blocks.length === 8 &&
    blocks.every((block) => /^\d{6}$/.test(block) && Number(block) % 11 === 0 && Number(block) / 11 < 65_536)
  );
}

function single(entry: LdapEntry, attribute: string): string | Buffer | undefined {
  const value = entry[attribute];
  return Array.isArray(value) ? value[0] : value;
}

function guid(entry: LdapEntry, attribute: string): string | null {
  const value = single(entry, attribute);
  if (value === undefined) return null;
  if (!Buffer.isBuffer(value) || value.length !== 16)
    throw new BitLockerRecoveryError(`${attribute} is not a 16-octet GUID`);
  return objectGuidToString(value);
}

/** One msFVE-RecoveryInformation entry, read with RECOVERY_BINARY_ATTRIBUTES as octets. */
export function readRecoveryInformation(entry: LdapEntry): BitLockerRecoveryPassword {
  const password = single(entry, RECOVERY_ATTRIBUTES.password);
  if (password === undefined)
    throw new BitLockerRecoveryError(
      `${RECOVERY_ATTRIBUTES.password} is absent (the bind account may lack read access to it)`,
    );
  if (!isRecoveryPassword(password.toString()))
    throw new BitLockerRecoveryError(`${RECOVERY_ATTRIBUTES.password} is not a 48-digit recovery password`);
  const recoveryGuid = guid(entry, RECOVERY_ATTRIBUTES.recoveryGuid);
  if (!recoveryGuid) throw new BitLockerRecoveryError(`${RECOVERY_ATTRIBUTES.recoveryGuid} is absent`);
  return {
    recoveryGuid,
    volumeGuid: guid(entry, RECOVERY_ATTRIBUTES.volumeGuid),
    password: password.toString(),
  };
}

/** The object's parent: the computer it belongs to. */
export function computerDnOf(recoveryInformationDn: string): string {
  const comma = /(?<!\\),/.exec(recoveryInformationDn);
  if (!comma) throw new BitLockerRecoveryError('the recovery information object has no parent');
  return recoveryInformationDn.slice(comma.index + 1).trim();
}

/**
 * The vaulted form of a PC's set: JSON in a fixed order (volume, then recovery key ID), so the same set read in
 * another order is the same bytes and the vault adds no version for it.
 */
export function recoverySecret(passwords: readonly BitLockerRecoveryPassword[]): Buffer {
  const sorted = [...passwords].sort(
    (a, b) =>
      (a.volumeGuid ?? '').localeCompare(b.volumeGuid ?? '') || a.recoveryGuid.localeCompare(b.recoveryGuid),
  );
  return Buffer.from(
    JSON.stringify(
      sorted.map(({ recoveryGuid, volumeGuid, password }) => ({ recoveryGuid, volumeGuid, password })),
    ),
    'utf8',
  );
}
