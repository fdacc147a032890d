// The admin commands' settings: each problem names its variable; the token may come from a file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { adminClientSettings, DEFAULT_ADMIN_URL } from '../../cli/admin-client.js';

describe('admin client settings', () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('reads the token from KEEP_ADMIN_TOKEN_FILE and defaults to the dev stack', () => {
    dir = mkdtempSync(join(tmpdir(), 'keep-admin-client-'));
    writeFileSync(join(dir, 'admin-token'), 'secret-token\n');
    const settings = adminClientSettings({ KEEP_ADMIN_TOKEN_FILE: join(dir, 'admin-token') });
    expect(settings).toEqual({ baseUrl: new URL(DEFAULT_ADMIN_URL), token: 'secret-token' });
  });

  it('names the variable that is missing or wrong', () => {
    expect(() => adminClientSettings({})).toThrow('KEEP_ADMIN_TOKEN or KEEP_ADMIN_TOKEN_FILE is required');
    expect(() => adminClientSettings({ KEEP_ADMIN_TOKEN: 't', KEEP_ADMIN_URL: 'ftp://x' })).toThrow(
      'KEEP_ADMIN_URL: must be http or https',
    );
    expect(() =>
      adminClientSettings({ KEEP_ADMIN_TOKEN: 't', KEEP_ADMIN_CA_FILE: '/nonexistent/ca.pem' }),
    ).toThrow('KEEP_ADMIN_CA_FILE: cannot read /nonexistent/ca.pem');
  });
});
