import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../support/test-context.js';
import { call, testAdminApp } from '../support.js';

function builtConsole(): string {
  const dir = mkdtempSync(join(tmpdir(), 'keep-console-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><script type="module" src="/console/assets/a-1.js">',
  );
  writeFileSync(join(dir, 'assets', 'a-1.js'), 'console.log(1)');
  return dir;
}

describe('the console under /console/', () => {
  const database = useTestDatabase();

  it('serves hashed assets for a year, the page uncached for every client route, under a strict CSP', async () => {
    const app = testAdminApp({ db: database.core.db, consoleDir: builtConsole() });
    const asset = await call(app, 'GET', '/console/assets/a-1.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    for (const path of ['/console/', '/console/devices/abc']) {
      const page = await call(app, 'GET', path);
      expect(page.status).toBe(200);
      expect(page.headers.get('cache-control')).toBe('no-cache');
      expect(await page.text()).toContain('/console/assets/a-1.js');
      const csp = page.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
    }
    expect((await call(app, 'GET', '/console/assets/../../package.json')).status).toBe(404);
    expect((await call(app, 'GET', '/console/assets/missing.js')).status).toBe(404);
  });

  it('says how to build the console when it is not built', async () => {
    const app = testAdminApp({
      db: database.core.db,
      consoleDir: mkdtempSync(join(tmpdir(), 'keep-empty-')),
    });
    const res = await call(app, 'GET', '/console/');
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build:console');
  });
});
