// A real browser for the console's tests: Debian's chromium driven by playwright-core, and the console built.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = process.env.KEEP_CHROMIUM ?? '/usr/bin/chromium';
const INSTALL_HINT = 'chromium is not installed: apt-get install -y chromium (as root)';

/**
 * Whether browser tests can run. Under CI=true a missing chromium is an error, never a skip; elsewhere the
 * caller skips (`describe.skipIf(!chromiumInstalled())`) and the hint is printed.
 */
export function chromiumInstalled(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true') throw new Error(INSTALL_HINT);
  console.warn(`skipping browser tests: ${INSTALL_HINT}`);
  return false;
}

/** Builds the console when it is missing or stale, as `npm test` and `npm start` do before they run. */
export function ensureConsoleBuilt(): void {
  execFileSync(process.execPath, ['deploy/ensure-deps.mjs'], { stdio: 'ignore' });
}

export function launchChromium(): Promise<Browser> {
  // --no-sandbox: test machines and containers run as root, where chromium's sandbox cannot start.
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}
