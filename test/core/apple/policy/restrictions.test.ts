import { describe, expect, it } from 'vitest';
import * as f from './policy-fixtures.js';

const restrictions = {
  allowCamera: false,
  allowUsbStorage: false,
  allowAppStore: false,
  allowScreenshots: false,
};
const PAYLOAD = 'com.apple.applicationaccess';

describe('restrictions on Apple devices', () => {
  it('become restrictions payload keys on a supervised iPhone', () => {
    const t = f.translate({ restrictions }, f.iOS18Supervised);
    expect(f.payloadsOf(t, PAYLOAD)).toEqual([
      expect.objectContaining({
        allowCamera: false,
        allowScreenShot: false,
        allowAppInstallation: false,
        allowFilesUSBDriveAccess: false,
      }),
    ]);
    expect(t.notApplicable).toEqual([]);
  });

  it('report the App Store and USB storage as needing supervision on an unsupervised iPhone', () => {
    const t = f.translate({ restrictions }, f.iOS18Unsupervised);
    const [payload] = f.payloadsOf(t, PAYLOAD);
    expect(payload).toMatchObject({ allowCamera: false, allowScreenShot: false });
    expect(payload).not.toHaveProperty('allowAppInstallation');
    expect(t.notApplicable).toEqual([
      {
        setting: 'restrictions.allowAppStore',
        reason: 'not applicable on iOS 18.1: needs a supervised device',
      },
      {
        setting: 'restrictions.allowUsbStorage',
        reason: 'not applicable on iOS 18.1: needs a supervised device',
      },
    ]);
  });

  it('report the camera as unavailable with User Enrollment', () => {
    const t = f.translate({ restrictions: { allowCamera: false } }, f.iOS18User);
    expect(t.profiles).toEqual([]);
    expect(t.notApplicable).toEqual([
      {
        setting: 'restrictions.allowCamera',
        reason: 'not applicable on iOS 18.1: forbidden with User Enrollment',
      },
    ]);
  });

  it('report the App Store restriction, an iOS-only setting, as not applicable on macOS', () => {
    const t = f.translate(
      { restrictions: { allowAppStore: false, allowCamera: false } },
      f.macOS15Supervised,
    );
    expect(f.payloadsOf(t, PAYLOAD)).toEqual([expect.objectContaining({ allowCamera: false })]);
    expect(t.notApplicable).toEqual([
      {
        setting: 'restrictions.allowAppStore',
        reason: 'not applicable on macOS 15.1: macOS has no such setting',
      },
    ]);
  });

  it('block USB storage on a supervised Mac with the disk management declaration', () => {
    const t = f.translate({ restrictions: { allowUsbStorage: false } }, f.macOS15Supervised);
    expect(f.declarationOf(t, 'com.apple.configuration.diskmanagement.settings')?.payload).toEqual({
      Restrictions: { ExternalStorage: 'Disallowed' },
    });
    expect(t.profiles).toEqual([]);
  });

  it('report USB storage as not applicable on a Mac before macOS 15', () => {
    const t = f.translate(
      { restrictions: { allowUsbStorage: false } },
      { ...f.macOS15Supervised, osVersion: '14.6' },
    );
    expect(t.notApplicable).toEqual([
      {
        setting: 'restrictions.allowUsbStorage',
        reason: 'not applicable on macOS 14.6: needs 15.0 or later',
      },
    ]);
  });
});
