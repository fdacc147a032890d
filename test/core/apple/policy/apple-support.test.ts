import { describe, expect, it } from 'vitest';
import { declarationSchema, unsupportedReason } from '../../../../core/apple/policy/apple-support.js';
import * as f from './policy-fixtures.js';

describe('Apple support rules', () => {
  it('finds a declaration’s schema by its type', () => {
    expect(declarationSchema('com.apple.activation.simple').payload.declarationtype).toBe(
      'com.apple.activation.simple',
    );
    expect(declarationSchema('com.apple.management.properties').payload.declarationtype).toBe(
      'com.apple.management.properties',
    );
  });

  it('refuses a declaration type that could name a file outside the schemas', () => {
    expect(() => declarationSchema('com.apple.configuration.x/../../../mdm/commands/device.lock')).toThrow(
      TypeError,
    );
  });

  it('reports a key Apple removed in the device’s version', () => {
    expect(unsupportedReason(f.macOS15Supervised, { introduced: '12.0', removed: '15.0' })).toBe(
      'not applicable on macOS 15.1: removed in 15.0',
    );
    expect(
      unsupportedReason(
        { ...f.macOS15Supervised, osVersion: '14.7' },
        { introduced: '12.0', removed: '15.0' },
      ),
    ).toBe(undefined);
  });

  it('treats a supervised device as device-enrolled for declarations Apple allows on device enrollments', () => {
    expect(
      unsupportedReason(f.iOS18Supervised, { introduced: '17.0', 'allowed-enrollments': ['device'] }),
    ).toBe(undefined);
    expect(
      unsupportedReason(f.iOS18User, { introduced: '17.0', 'allowed-enrollments': ['supervised', 'device'] }),
    ).toBe('not applicable on iOS 18.1: not available on User Enrollment');
  });
});
