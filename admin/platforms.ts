// Every platform the admin API serves: adding one is one line here (and its AdminPlatform in its own folder).
import { HTTPException } from 'hono/http-exception';
import { appleAdminPlatform } from './apple/apple-platform.js';
import type { AdminPlatform } from './platform.js';
import { windowsAdminPlatform } from './windows/windows-platform.js';

const PLATFORMS: readonly AdminPlatform[] = [appleAdminPlatform, windowsAdminPlatform];

/** The registered platforms, plus `extra` (tests register a platform of their own this way). */
export function adminPlatforms(extra: readonly AdminPlatform[] = []): readonly AdminPlatform[] {
  return [...PLATFORMS, ...extra];
}

/** A device of a platform this admin API does not serve: its row is fine, this process cannot act on it. */
export function adminPlatform(platforms: readonly AdminPlatform[], id: string): AdminPlatform {
  const platform = platforms.find((p) => p.id === id);
  if (!platform) {
    throw new HTTPException(409, {
      message: `the device's platform ${JSON.stringify(id)} is not served by this admin API`,
    });
  }
  return platform;
}
