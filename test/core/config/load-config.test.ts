import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  adminProcessConfig,
  coreProcessConfig,
  edgeProcessConfig,
} from '../../../core/config/config.schema.js';
import { ConfigError, envName, listSettings, loadConfig } from '../../../core/config/load-config.js';
import { KeyRing } from '../../../core/crypto/key-ring.js';

const edgeEnv = {
  KEEP_EDGE_DATABASE_URL: 'postgres://keep_edge:pw@127.0.0.1:5432/keep',
  KEEP_TEMPORAL_PAYLOAD_KEYS: KeyRing.generateSpec('p1'),
  KEEP_EDGE_SECRET_KEYS: KeyRing.generateSpec('e1'),
};

const adminEnv = {
  KEEP_DATABASE_URL: 'postgres://keep_core:pw@127.0.0.1:5432/keep',
  KEEP_TEMPORAL_PAYLOAD_KEYS: edgeEnv.KEEP_TEMPORAL_PAYLOAD_KEYS,
};

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('reads KEEP_* variables into the nested settings with their defaults', () => {
    const config = loadConfig(edgeProcessConfig, { env: { ...edgeEnv, KEEP_EDGE_LISTEN: '0.0.0.0:9443' } });
    expect(config.edge.listen).toEqual({ host: '0.0.0.0', port: 9443 });
    expect(config.temporal.address).toBe('127.0.0.1:7233');
    expect(config.edgeDatabase.poolSize).toBe(20);
    expect(config.edge.probeEnabled).toBe(false);
  });

  it('names a missing setting by its variable', () => {
    const err = configError(() =>
      loadConfig(edgeProcessConfig, {
        env: { KEEP_TEMPORAL_PAYLOAD_KEYS: edgeEnv.KEEP_TEMPORAL_PAYLOAD_KEYS },
      }),
    );
    expect(err.message).toContain('KEEP_EDGE_DATABASE_URL (edgeDatabase.url)');
  });

  it('names a malformed setting and says what was expected', () => {
    const err = configError(() =>
      loadConfig(edgeProcessConfig, { env: { ...edgeEnv, KEEP_EDGE_LISTEN: 'no-port-here' } }),
    );
    expect(err.message).toMatch(/KEEP_EDGE_LISTEN \(edge.listen\): expected host:port/);
    const keys = configError(() =>
      loadConfig(edgeProcessConfig, { env: { ...edgeEnv, KEEP_TEMPORAL_PAYLOAD_KEYS: 'k1:short' } }),
    );
    expect(keys.message).toContain('KEEP_TEMPORAL_PAYLOAD_KEYS');
    expect(keys.message).not.toContain('short');
  });

  it('refuses a CRL refresh interval no shorter than the CRL validity, naming the setting', () => {
    const env = {
      ...adminEnv,
      KEEP_CORE_SECRET_KEYS: KeyRing.generateSpec('c1'),
      KEEP_CORE_CRL_VALIDITY_HOURS: '24',
    };
    const err = configError(() =>
      loadConfig(coreProcessConfig, { env: { ...env, KEEP_CORE_CRL_REFRESH_HOURS: '24' } }),
    );
    expect(err.message).toMatch(
      /KEEP_CORE_CRL_REFRESH_HOURS \(core.crlRefreshHours\): must be below crlValidityHours/,
    );
    expect(
      loadConfig(coreProcessConfig, { env: { ...env, KEEP_CORE_CRL_REFRESH_HOURS: '12' } }).core,
    ).toMatchObject({ crlValidityHours: 24, crlRefreshHours: 12 });
  });

  it('refuses rollout webhook URLs without the secret that signs them, and reads a list of URLs', () => {
    const env = {
      ...adminEnv,
      KEEP_CORE_SECRET_KEYS: KeyRing.generateSpec('c1'),
      KEEP_CORE_ROLLOUT_WEBHOOK_URLS: 'https://a.example/keep, https://b.example/keep',
    };
    expect(configError(() => loadConfig(coreProcessConfig, { env })).message).toMatch(
      /KEEP_CORE_ROLLOUT_WEBHOOK_SECRET \(core.rolloutWebhookSecret\): required with rolloutWebhookUrls/,
    );
    const secret = 'x'.repeat(32);
    expect(
      loadConfig(coreProcessConfig, { env: { ...env, KEEP_CORE_ROLLOUT_WEBHOOK_SECRET: secret } }).core
        .rolloutWebhookUrls,
    ).toEqual(['https://a.example/keep', 'https://b.example/keep']);
  });

  it('refuses a setting that does not belong to the process, such as a core key in an edge config file', () => {
    const dir = mkdtempSync(`${tmpdir()}/keep-config-`);
    writeFileSync(`${dir}/edge.yaml`, `core:\n  secretKeys: "${KeyRing.generateSpec('s')}"\n`);
    const err = configError(() => loadConfig(edgeProcessConfig, { env: edgeEnv, file: `${dir}/edge.yaml` }));
    expect(err.message).toContain('KEEP_CORE (core): not a setting of this process');
  });

  it('lets environment variables override the file', () => {
    const dir = mkdtempSync(`${tmpdir()}/keep-config-`);
    writeFileSync(`${dir}/edge.yaml`, 'edge:\n  listen: "127.0.0.1:1111"\n  taskQueue: from-file\n');
    const config = loadConfig(edgeProcessConfig, {
      env: { ...edgeEnv, KEEP_EDGE_LISTEN: '127.0.0.1:2222' },
      file: `${dir}/edge.yaml`,
    });
    expect(config.edge.listen.port).toBe(2222);
    expect(config.edge.taskQueue).toBe('from-file');
  });

  it('refuses a non-loopback admin listen address without a TLS certificate and key, naming the setting', () => {
    const admin = (env: Record<string, string>) => () =>
      loadConfig(adminProcessConfig, { env: { ...adminEnv, ...env } });
    expect(configError(admin({ KEEP_ADMIN_LISTEN: '0.0.0.0:8080' })).message).toMatch(
      /KEEP_ADMIN_TLS_CERT_FILE \(admin.tlsCertFile\): required to listen on 0\.0\.0\.0/,
    );
    expect(
      configError(
        admin({ KEEP_ADMIN_LISTEN: 'admin.example.internal:8080', KEEP_ADMIN_TLS_CERT_FILE: '/c.pem' }),
      ).message,
    ).toContain('KEEP_ADMIN_TLS_KEY_FILE (admin.tlsKeyFile)');
    for (const listen of ['127.0.0.1:8080', '127.1.2.3:8080', '[::1]:8080', 'localhost:8080']) {
      expect(admin({ KEEP_ADMIN_LISTEN: listen })().admin.listen.port, listen).toBe(8080);
    }
    const tls = admin({
      KEEP_ADMIN_LISTEN: '0.0.0.0:8443',
      KEEP_ADMIN_TLS_CERT_FILE: '/etc/keep/admin.pem',
      KEEP_ADMIN_TLS_KEY_FILE: '/etc/keep/admin.key',
    })();
    expect(tls.admin).toMatchObject({
      tlsCertFile: '/etc/keep/admin.pem',
      tlsKeyFile: '/etc/keep/admin.key',
    });
  });

  it('documents every setting with a variable name and a description', () => {
    for (const schema of [edgeProcessConfig, coreProcessConfig, adminProcessConfig]) {
      for (const setting of listSettings(schema)) {
        expect(setting.env).toBe(envName(setting.path.split('.')));
        expect(setting.description, setting.path).not.toBe('');
      }
    }
  });
});

describe('process start-up', () => {
  it('stops with a message naming a misconfigured setting', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'cli/keep.ts', 'edge'], {
      env: { PATH: process.env.PATH, ...edgeEnv, KEEP_EDGE_LISTEN: 'nonsense' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('KEEP_EDGE_LISTEN');
    expect(result.stderr).not.toContain(edgeEnv.KEEP_TEMPORAL_PAYLOAD_KEYS);
  });

  it('keeps `keep admin` from serving plain HTTP beyond loopback', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'cli/keep.ts', 'admin'], {
      env: { PATH: process.env.PATH, ...adminEnv, KEEP_ADMIN_LISTEN: '0.0.0.0:8080' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('KEEP_ADMIN_TLS_CERT_FILE');
  });
});
