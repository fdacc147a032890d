import { describe, expect, it } from 'vitest';
import { userEnrollmentRefusal } from '../../../../core/apple/commands/index.js';

const byod = (os_platform: string | null) => ({
  os_platform,
  facts: { authenticate: { udid: 'E-1', userEnrollment: true } },
});

describe('which commands a User Enrollment takes', () => {
  it('refuses commands that act on the whole device, naming why', () => {
    for (const type of ['EraseDevice', 'RestartDevice', 'SetRecoveryLock', 'DeviceConfigured'])
      expect(userEnrollmentRefusal(type, byod('iOS'))).toMatch(/acts on the whole device/);
  });

  it('lets through what Apple allows on a personal device', () => {
    for (const type of ['DeviceInformation', 'SecurityInfo', 'InstallProfile', 'DeclarativeManagement'])
      expect(userEnrollmentRefusal(type, byod('macOS'))).toBeUndefined();
  });

  it('takes DeviceLock on an iPhone or iPad but refuses it on a Mac, and while the OS is unknown', () => {
    expect(userEnrollmentRefusal('DeviceLock', byod('iOS'))).toBeUndefined();
    expect(userEnrollmentRefusal('DeviceLock', byod('iPadOS'))).toBeUndefined();
    expect(userEnrollmentRefusal('DeviceLock', byod('macOS'))).toMatch(
      /only on iOS, and this device runs macOS/,
    );
    expect(userEnrollmentRefusal('DeviceLock', byod(null))).toMatch(/not reported its OS/);
  });

  it('leaves device enrollments and raw types Keep has no entry for alone', () => {
    expect(
      userEnrollmentRefusal('EraseDevice', { os_platform: 'iOS', facts: { authenticate: { udid: 'U' } } }),
    ).toBe(undefined);
    expect(userEnrollmentRefusal('Settings', byod('iOS'))).toBeUndefined();
  });
});
