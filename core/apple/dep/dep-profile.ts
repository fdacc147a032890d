// Builds the ADE enrollment profile Keep defines in Apple Business Manager, checking each field an admin sets.
// https://developer.apple.com/documentation/devicemanagement/profile
import { DepError } from './dep-error.js';
import type { DepProfile } from './dep-types.js';

export interface EnrollmentProfileInput {
  name: string;
  /** Keep's enrollment URL the device fetches its MDM profile from. */
  enrollmentUrl: string;
  /** The user cannot skip enrollment in Setup Assistant. */
  mandatory: boolean;
  /** Setup Assistant waits for Keep's DeviceConfigured command, so required setup runs first. */
  awaitDeviceConfigured: boolean;
  skipSetupItems: readonly string[];
  /** Set when users must sign in first: the device shows this page, which then serves the profile. */
  signInUrl?: string;
  removable?: boolean;
  department?: string;
  supportPhone?: string;
  supportEmail?: string;
  /** Extra certificates (DER) the device trusts for the enrollment URL's TLS. */
  anchorCertificates?: readonly Buffer[];
}

/** Apple's SkipKeys are identifiers; new ones arrive each OS release, so the shape is checked, not a list. */
const SKIP_KEY = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

export function buildEnrollmentProfile(input: EnrollmentProfileInput): DepProfile {
  if (!input.name.trim() || input.name.length > 255) fieldError('name', 'must be 1–255 characters');
  httpsUrl('enrollmentUrl', input.enrollmentUrl);
  if (input.signInUrl !== undefined) httpsUrl('signInUrl', input.signInUrl);
  const bad = input.skipSetupItems.find((item) => !SKIP_KEY.test(item));
  if (bad !== undefined)
    fieldError('skipSetupItems', `holds "${bad.slice(0, 64)}", which is not a Setup Assistant key`);
  return {
    profile_name: input.name.trim(),
    url: input.enrollmentUrl,
    is_mandatory: input.mandatory,
    await_device_configured: input.awaitDeviceConfigured,
    is_mdm_removable: input.removable ?? !input.mandatory,
    skip_setup_items: [...new Set(input.skipSetupItems)],
    ...(input.signInUrl === undefined ? {} : { configuration_web_url: input.signInUrl }),
    ...(input.department === undefined ? {} : { department: input.department }),
    ...(input.supportPhone === undefined ? {} : { support_phone_number: input.supportPhone }),
    ...(input.supportEmail === undefined ? {} : { support_email_address: input.supportEmail }),
    ...(input.anchorCertificates?.length
      ? { anchor_certs: input.anchorCertificates.map((der) => der.toString('base64')) }
      : {}),
  };
}

function httpsUrl(field: string, value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fieldError(field, 'is not a URL');
  }
  // Devices refuse plain HTTP for enrollment; credentials in the URL would be shown to Apple.
  if (url.protocol !== 'https:') fieldError(field, 'must be an https URL');
  if (url.username || url.password) fieldError(field, 'must not carry credentials');
}

function fieldError(field: string, problem: string): never {
  throw new DepError('bad-request', `enrollment profile field ${field} ${problem}`);
}
