// Every platform the core serves: adding one is one line here (and its CorePlatform in its own folder).
import { ApplicationFailure } from '@temporalio/common';
import { appleCorePlatform } from './apple/apple-platform.js';
import type { CorePlatform } from './platform.js';
import { windowsCorePlatform } from './windows/windows-platform.js';

const PLATFORMS: readonly CorePlatform[] = [appleCorePlatform, windowsCorePlatform];

/** The registered platforms, plus `extra` (tests register a platform of their own this way). */
export function corePlatforms(extra: readonly CorePlatform[] = []): readonly CorePlatform[] {
  return [...PLATFORMS, ...extra];
}

/** An event or command naming a platform this core does not serve cannot succeed on retry. */
export function corePlatform(platforms: readonly CorePlatform[], id: string): CorePlatform {
  const platform = platforms.find((p) => p.id === id);
  if (!platform) throw ApplicationFailure.nonRetryable(`no platform ${id} in this core`, 'UnknownPlatform');
  return platform;
}
