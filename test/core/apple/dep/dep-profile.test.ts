import { describe, expect, it } from 'vitest';
import { buildEnrollmentProfile } from '../../../../core/apple/dep/index.js';
import type { EnrollmentProfileInput } from '../../../../core/apple/dep/index.js';

const input: EnrollmentProfileInput = {
  name: 'Corporate Macs',
  enrollmentUrl: 'https://mdm.example.com/apple/enroll',
  mandatory: true,
  awaitDeviceConfigured: true,
  skipSetupItems: ['Siri', 'Privacy', 'Siri'],
};

describe('ADE enrollment profile', () => {
  it('carries the enrollment URL, mandatory, await-configured and the skip items', () => {
    expect(buildEnrollmentProfile(input)).toEqual({
      profile_name: 'Corporate Macs',
      url: 'https://mdm.example.com/apple/enroll',
      is_mandatory: true,
      await_device_configured: true,
      is_mdm_removable: false,
      skip_setup_items: ['Siri', 'Privacy'],
    });
  });

  it('adds configuration_web_url when users must sign in first', () => {
    const profile = buildEnrollmentProfile({ ...input, signInUrl: 'https://mdm.example.com/apple/sign-in' });
    expect(profile.configuration_web_url).toBe('https://mdm.example.com/apple/sign-in');
  });

  it('names the field of a plain-HTTP URL', () => {
    expect(() => buildEnrollmentProfile({ ...input, signInUrl: 'http://mdm.example.com/' })).toThrow(
      /field signInUrl must be an https URL/,
    );
    expect(() => buildEnrollmentProfile({ ...input, enrollmentUrl: 'not a url' })).toThrow(
      /field enrollmentUrl is not a URL/,
    );
  });

  it('refuses a skip item that is not a Setup Assistant key', () => {
    expect(() => buildEnrollmentProfile({ ...input, skipSetupItems: ['Siri', 'rm -rf'] })).toThrow(
      /field skipSetupItems/,
    );
  });
});
