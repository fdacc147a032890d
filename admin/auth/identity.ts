// The admin.* settings that govern who signs in and how (OIDC, sessions, tokens), with the schema's defaults.
import { adminSettings } from '../../core/config/config.schema.js';
import type { z } from 'zod';

type AdminSettings = z.infer<typeof adminSettings>;

export type IdentitySettings = Pick<
  AdminSettings,
  | 'publicUrl'
  | 'bootstrapTokenEnabled'
  | 'tokenMaxDays'
  | 'oidcIssuer'
  | 'oidcClientId'
  | 'oidcClientSecret'
  | 'oidcScopes'
  | 'oidcRoleClaim'
  | 'oidcRoleMapping'
  | 'sessionMaxHours'
  | 'sessionIdleMinutes'
>;

export class IdentitySettingsError extends Error {
  override name = 'IdentitySettingsError';
}

export function identitySettings(given: Partial<IdentitySettings> = {}): IdentitySettings {
  const settings = { ...adminSettings.parse({}), ...given };
  if (settings.oidcIssuer && !settings.oidcClientId) {
    throw new IdentitySettingsError('admin.oidcClientId: required when admin.oidcIssuer is set');
  }
  return settings;
}
