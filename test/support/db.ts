// A fresh, migrated database per test file, with both plane roles, on the run's shared Postgres.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openCoreDatabase, openEdgeDatabase, type Database } from '../../runtime/db/connect.js';

import { migrateToLatest } from '../../runtime/db/migrate.js';
import { planeUrl, provisionDatabase } from '../../runtime/db/provision.js';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { EdgeDatabase } from '../../core/db/edge-database.js';
import { testStack, type KeepTestStack } from './stack.js';

const TEST_CONNECT_TIMEOUT_MS = 30_000;

export interface TestDatabase {
  name: string;
  coreUrl: string;
  edgeUrl: string;
  core: Database<CoreDatabase>;
  edge: Database<EdgeDatabase>;
  /** Closes both pools and drops the database. */
  drop(): Promise<void>;
}

export async function createTestDatabase(stack: KeepTestStack = testStack()): Promise<TestDatabase> {
  const name = `keep_test_${randomBytes(6).toString('hex')}`;
  await provisionDatabase(stack.postgresUrl, name, stack.roles);
  const coreUrl = planeUrl(stack.postgresUrl, name, stack.roles.core);
  const edgeUrl = planeUrl(stack.postgresUrl, name, stack.roles.edge);
  await migrateToLatest('edge', edgeUrl);
  await migrateToLatest('core', coreUrl);
  // Two test files at once on two cores fork Postgres backends slowly: a test waits, a process fails fast.
  const core = openCoreDatabase(coreUrl, 5, TEST_CONNECT_TIMEOUT_MS);
  const edge = openEdgeDatabase(edgeUrl, 5, TEST_CONNECT_TIMEOUT_MS);
  return {
    name,
    coreUrl,
    edgeUrl,
    core,
    edge,
    async drop() {
      await Promise.all([core.close(), edge.close()]);
      const admin = new pg.Client({ connectionString: stack.postgresUrl });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}

/** Ends every other session on `database`, as Postgres does when it shuts down (57P01); answers how many. */
export async function terminateBackends(
  database: string,
  stack: KeepTestStack = testStack(),
): Promise<number> {
  const admin = new pg.Client({ connectionString: stack.postgresUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [database],
    );
    return rows.length;
  } finally {
    await admin.end();
  }
}
