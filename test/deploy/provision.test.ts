// The provisioning one-shot of the Compose install: from the planes' config files alone it creates both roles,
// the database and its schemas, migrates both, and can run again before every upgrade.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { planeUrl } from '../../runtime/db/provision.js';
import { testStack } from '../support/stack.js';

const run = promisify(execFile);
const script = new URL('../../deploy/provision.ts', import.meta.url).pathname;

describe('deploy/provision.ts', () => {
  const stack = testStack();
  const suffix = randomBytes(4).toString('hex');
  const database = `keep_provision_${suffix}`;
  const core = { name: `keep_core_${suffix}`, password: randomBytes(12).toString('hex') };
  const edge = { name: `keep_edge_${suffix}`, password: randomBytes(12).toString('hex') };
  const dir = mkdtempSync(join(tmpdir(), 'keep-provision-'));
  const coreFile = join(dir, 'core.yaml');
  const edgeFile = join(dir, 'edge.yaml');
  writeFileSync(
    coreFile,
    `database:\n  url: '${planeUrl(stack.postgresUrl, database, core)}'\ntemporal:\n  payloadKeys: '${stack.payloadKeys}'\ncore:\n  secretKeys: '${stack.payloadKeys}'\n`,
  );
  writeFileSync(
    edgeFile,
    `edgeDatabase:\n  url: '${planeUrl(stack.postgresUrl, database, edge)}'\ntemporal:\n  payloadKeys: '${stack.payloadKeys}'\nedge:\n  secretKeys: '${stack.payloadKeys}'\n`,
  );
  const provision = () =>
    run(process.execPath, ['--import', 'tsx', script, coreFile, edgeFile], {
      env: { ...process.env, KEEP_PROVISION_SUPERUSER_URL: stack.postgresUrl },
    });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    const admin = new pg.Client({ connectionString: stack.postgresUrl });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(database)} WITH (FORCE)`);
      for (const role of [core.name, edge.name])
        await admin.query(`DROP ROLE IF EXISTS ${admin.escapeIdentifier(role)}`);
    } finally {
      await admin.end();
    }
  });

  it('creates the roles and schemas and migrates both, so each plane role reaches its own tables only', async () => {
    const { stdout } = await provision();
    expect(stdout).toMatch(/^edge: .+$/m);
    expect(stdout).toMatch(/^core: .+$/m);
    const asEdge = new pg.Client({ connectionString: planeUrl(stack.postgresUrl, database, edge) });
    await asEdge.connect();
    try {
      await expect(asEdge.query('SELECT count(*) FROM edge.plane_checks')).resolves.toBeDefined();
      await expect(asEdge.query('SELECT count(*) FROM core.plane_checks')).rejects.toThrow(
        /permission denied/,
      );
    } finally {
      await asEdge.end();
    }
  });

  it('runs again as a no-op before an upgrade', async () => {
    const { stdout } = await provision();
    expect(stdout).toContain('edge: up to date');
    expect(stdout).toContain('core: up to date');
  });
});
