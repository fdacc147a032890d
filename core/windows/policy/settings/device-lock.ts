// Passcode rules and screen lock: the DeviceLock area of the Policy CSP (Exchange ActiveSync's password engine).
// https://learn.microsoft.com/windows/client-management/mdm/policy-csp-devicelock
import type { PolicySettings } from '../../../policy/index.js';
import { mapFields, type CspFieldMap } from '../csp-field-map.js';
import type { WindowsTarget, WindowsTranslation } from '../csp-node.js';

type Passcode = NonNullable<PolicySettings['passcode']>;
type ScreenLock = NonNullable<PolicySettings['screenLock']>;

const DEVICE_LOCK = './Device/Vendor/MSFT/Policy/Config/DeviceLock';

const PASSCODE: CspFieldMap<Passcode> = {
  // Inverted in the CSP: 0 turns the device password on, 1 (the default) off.
  required: { target: `${DEVICE_LOCK}/DevicePasswordEnabled`, format: 'int', value: (v) => (v ? 0 : 1) },
  minLength: {
    target: `${DEVICE_LOCK}/MinDevicePasswordLength`,
    format: 'int',
    value: (v) => v,
    range: [4, 16],
  },
  // 0: alphanumeric required; 2 (the default): digits or letters.
  requireAlphanumeric: {
    target: `${DEVICE_LOCK}/AlphanumericDevicePasswordRequired`,
    format: 'int',
    value: (v) => (v ? 0 : 2),
  },
  minComplexCharacters: 'MinDevicePasswordComplexCharacters counts character types (1 to 4), not characters',
  maxFailedAttempts: {
    target: `${DEVICE_LOCK}/MaxDevicePasswordFailedAttempts`,
    format: 'int',
    value: (v) => v,
    range: [0, 999],
  },
  maxAgeDays: {
    target: `${DEVICE_LOCK}/DevicePasswordExpiration`,
    format: 'int',
    value: (v) => v,
    range: [0, 730],
  },
  historyCount: {
    target: `${DEVICE_LOCK}/DevicePasswordHistory`,
    format: 'int',
    value: (v) => v,
    range: [0, 50],
  },
};

const SCREEN_LOCK: CspFieldMap<ScreenLock> = {
  idleTimeoutMinutes: {
    target: `${DEVICE_LOCK}/MaxInactivityTimeDeviceLock`,
    format: 'int',
    value: (v) => v,
    range: [0, 999],
  },
  gracePeriodMinutes: 'the Policy CSP has no grace period before the password is asked',
};

export function translatePasscode(value: Passcode, target: WindowsTarget): WindowsTranslation {
  return mapFields(value, PASSCODE, 'passcode', target);
}

export function translateScreenLock(value: ScreenLock, target: WindowsTarget): WindowsTranslation {
  return mapFields(value, SCREEN_LOCK, 'screenLock', target);
}
