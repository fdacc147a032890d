// Every platform the edge serves: adding one is one line here (and its EdgePlatform in its own folder).
import { appleEdgePlatform } from './apple/apple-platform.js';
import type { EdgePlatform } from './platform.js';
import { windowsEdgePlatform } from './windows/windows-platform.js';

const PLATFORMS: readonly EdgePlatform[] = [appleEdgePlatform, windowsEdgePlatform];

/** The registered platforms, plus `extra` (tests register a platform of their own this way). */
export function edgePlatforms(extra: readonly EdgePlatform[] = []): readonly EdgePlatform[] {
  return [...PLATFORMS, ...extra];
}
