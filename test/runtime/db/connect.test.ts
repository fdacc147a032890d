// A plane's pool survives Postgres dropping its connections (a restart, a failover, an admin's
// pg_terminate_backend): the process lives on, the request that was using the connection fails as
// "unavailable", and the next one gets a fresh connection.
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { isUnavailable } from '../../../core/health/unavailable.js';
import { terminateBackends } from '../../support/db.js';
import { useTestDatabase } from '../../support/test-context.js';

describe('plane database connections', () => {
  const database = useTestDatabase();

  it('survive the server terminating a connection held in a transaction, and serve the next query', async () => {
    const { db } = database.edge;
    const held = db.transaction().execute(async (tx) => {
      await sql`SELECT 1`.execute(tx);
      expect(await terminateBackends(database.name)).toBeGreaterThan(0);
      // The checked-out client learns of it between queries, with no query of its own to fail: the
      // 'error' it emits must not be unhandled (that kills the process).
      await sleep(300);
      await sql`SELECT 1`.execute(tx);
    });
    const error = await held.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isUnavailable(error)).toBe(true);
    const { rows } = await sql<{ one: number }>`SELECT 1 AS one`.execute(db);
    expect(rows).toEqual([{ one: 1 }]);
  });

  it('survive the server terminating idle pooled connections, and serve the next query', async () => {
    const { db } = database.core;
    await Promise.all([1, 2, 3].map(() => sql`SELECT pg_sleep(0.05)`.execute(db)));
    expect(await terminateBackends(database.name)).toBeGreaterThan(0);
    await sleep(200);
    const { rows } = await sql<{ one: number }>`SELECT 1 AS one`.execute(db);
    expect(rows).toEqual([{ one: 1 }]);
  });
});
