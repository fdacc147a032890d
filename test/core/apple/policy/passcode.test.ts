import { describe, expect, it } from 'vitest';
import * as f from './policy-fixtures.js';

const passcode = {
  required: true,
  minLength: 8,
  requireAlphanumeric: true,
  minComplexCharacters: 1,
  maxFailedAttempts: 10,
  maxAgeDays: 90,
  historyCount: 5,
};
const DECLARATION = 'com.apple.configuration.passcode.settings';
const PAYLOAD = 'com.apple.mobiledevice.passwordpolicy';

describe('passcode and screen lock on Apple devices', () => {
  it.each([
    ['iOS 18', f.iOS18Unsupervised],
    ['supervised macOS 15', f.macOS15Supervised],
  ])('become a passcode declaration on %s', (_, target) => {
    const t = f.translate({ passcode }, target);
    expect(f.declarationOf(t, DECLARATION)?.payload).toEqual({
      RequirePasscode: true,
      MinimumLength: 8,
      RequireAlphanumericPasscode: true,
      MinimumComplexCharacters: 1,
      MaximumFailedAttempts: 10,
      MaximumPasscodeAgeInDays: 90,
      PasscodeReuseLimit: 5,
    });
    expect(t.profiles).toEqual([]);
    expect(t.notApplicable).toEqual([]);
  });

  it.each([
    ['iOS 14', f.iOS14Supervised],
    ['macOS 12', f.macOS12],
    [
      'unsupervised macOS 15, where Apple allows the declaration only on supervised Macs',
      f.macOS15Unsupervised,
    ],
  ])('fall back to the passcode payload on %s', (_, target) => {
    const t = f.translate({ passcode }, target);
    expect(f.declarationOf(t, DECLARATION)).toBeUndefined();
    expect(f.payloadsOf(t, PAYLOAD)).toEqual([
      expect.objectContaining({
        forcePIN: true,
        minLength: 8,
        requireAlphanumeric: true,
        minComplexChars: 1,
        maxFailedAttempts: 10,
        maxPINAgeInDays: 90,
        pinHistory: 5,
      }),
    ]);
    expect(t.profiles[0]?.delivery).toBe('command');
  });

  it('reports a key the OS version does not know yet', () => {
    // RequireAlphanumericPasscode arrived in the declaration with iOS 16.2.
    const t = f.translate({ passcode }, { ...f.iOS18Unsupervised, osVersion: '16.1' });
    expect(t.notApplicable).toEqual([
      { setting: 'passcode.requireAlphanumeric', reason: 'not applicable on iOS 16.1: needs 16.2 or later' },
      { setting: 'passcode.minComplexCharacters', reason: 'not applicable on iOS 16.1: needs 16.2 or later' },
      { setting: 'passcode.maxAgeDays', reason: 'not applicable on iOS 16.1: needs 16.2 or later' },
    ]);
    expect(f.declarationOf(t, DECLARATION)?.payload).toEqual({
      RequirePasscode: true,
      MinimumLength: 8,
      MaximumFailedAttempts: 10,
      PasscodeReuseLimit: 5,
    });
  });

  it('reports passcode keys that a User Enrollment on an older iOS would silently ignore', () => {
    const t = f.translate({ passcode: { minLength: 6 } }, { ...f.iOS18User, osVersion: '14.8' });
    expect(t.profiles).toEqual([]);
    expect(t.notApplicable).toEqual([
      { setting: 'passcode.minLength', reason: 'not applicable on iOS 14.8: ignored with User Enrollment' },
    ]);
  });

  it('puts the idle timeout and grace period in their own passcode declaration', () => {
    const t = f.translate(
      { passcode, screenLock: { idleTimeoutMinutes: 5, gracePeriodMinutes: 0 } },
      f.iOS18Supervised,
    );
    const declarations = t.declarations.filter((d) => d.type === DECLARATION);
    expect(declarations.map((d) => d.identifier)).toEqual([
      'com.example.keep.policy.baseline.screenLock',
      'com.example.keep.policy.baseline.passcode',
    ]);
    expect(declarations[0]?.payload).toEqual({
      MaximumInactivityInMinutes: 5,
      MaximumGracePeriodInMinutes: 0,
    });
  });

  it('sets the idle timeout in the passcode payload without DDM', () => {
    const t = f.translate({ screenLock: { idleTimeoutMinutes: 5 } }, f.macOS12);
    expect(f.payloadsOf(t, PAYLOAD)).toEqual([expect.objectContaining({ maxInactivity: 5 })]);
  });

  it('reports an idle timeout beyond what Apple accepts rather than shortening it', () => {
    const t = f.translate({ screenLock: { idleTimeoutMinutes: 30 } }, f.iOS18Supervised);
    expect(t.declarations).toEqual([]);
    expect(t.notApplicable).toEqual([
      { setting: 'screenLock.idleTimeoutMinutes', reason: 'not applicable on iOS 18.1: accepts 0 to 15' },
    ]);
  });
});
