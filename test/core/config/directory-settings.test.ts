// The core's directory settings: absent means no sync; a half-configured or plain-text directory stops the start.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { coreProcessConfig, edgeProcessConfig } from '../../../core/config/config.schema.js';
import { loadConfig } from '../../../core/config/load-config.js';
import { KeyRing } from '../../../core/crypto/key-ring.js';

const coreEnv = {
  KEEP_DATABASE_URL: 'postgres://keep_core:pw@127.0.0.1:5432/keep',
  KEEP_TEMPORAL_PAYLOAD_KEYS: KeyRing.generateSpec('p1'),
  KEEP_CORE_SECRET_KEYS: KeyRing.generateSpec('s1'),
};
const directoryEnv = {
  KEEP_DIRECTORY_URL: 'ldaps://dc1.corp.example:636',
  KEEP_DIRECTORY_BIND_DN: 'CN=keep-sync,DC=corp,DC=example',
  KEEP_DIRECTORY_BIND_PASSWORD_FILE: '/etc/keep/bind-password',
  KEEP_DIRECTORY_BASE_DN: 'DC=corp,DC=example',
};

describe('directory settings', () => {
  it('configure no directory unless a URL is set', () => {
    const config = loadConfig(coreProcessConfig, { env: coreEnv });
    expect(config.directory.url).toBeUndefined();
    expect(config.directory).toMatchObject({ kind: 'openldap', startTls: true, allowPlain: false });
  });

  it('accept a complete directory, with the sync interval and kind', () => {
    const config = loadConfig(coreProcessConfig, {
      env: {
        ...coreEnv,
        ...directoryEnv,
        KEEP_DIRECTORY_KIND: 'ad',
        KEEP_DIRECTORY_SYNC_INTERVAL_MINUTES: '30',
      },
    });
    expect(config.directory).toMatchObject({ kind: 'ad', syncIntervalMinutes: 30, fullSyncEvery: 24 });
  });

  it('name the missing bind DN and password when a URL is set', () => {
    expect(() =>
      loadConfig(coreProcessConfig, { env: { ...coreEnv, KEEP_DIRECTORY_URL: 'ldaps://dc1.corp.example' } }),
    ).toThrow(/KEEP_DIRECTORY_BIND_DN[\s\S]*KEEP_DIRECTORY_BASE_DN[\s\S]*KEEP_DIRECTORY_BIND_PASSWORD/);
  });

  it('refuse plain ldap:// without StartTLS unless allowPlain says so', () => {
    const plain = {
      ...coreEnv,
      ...directoryEnv,
      KEEP_DIRECTORY_URL: 'ldap://dc1',
      KEEP_DIRECTORY_START_TLS: 'false',
    };
    expect(() => loadConfig(coreProcessConfig, { env: plain })).toThrow(
      /KEEP_DIRECTORY_START_TLS.*allowPlain/,
    );
    const allowed = loadConfig(coreProcessConfig, { env: { ...plain, KEEP_DIRECTORY_ALLOW_PLAIN: 'true' } });
    expect(allowed.directory.allowPlain).toBe(true);
  });

  it('are refused by the edge, which never holds directory data', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'keep-config-')), 'edge.yaml');
    writeFileSync(file, 'directory:\n  url: ldaps://dc1.corp.example\n');
    const env = {
      KEEP_EDGE_DATABASE_URL: 'postgres://keep_edge:pw@127.0.0.1:5432/keep',
      KEEP_TEMPORAL_PAYLOAD_KEYS: coreEnv.KEEP_TEMPORAL_PAYLOAD_KEYS,
      KEEP_EDGE_SECRET_KEYS: KeyRing.generateSpec('e1'),
    };
    expect(() => loadConfig(edgeProcessConfig, { env, file })).toThrow(
      /KEEP_DIRECTORY.*not a setting of this process/,
    );
  });
});
