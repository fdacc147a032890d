import { Hono } from 'hono';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createAdminApp } from '../../../admin/app.js';
import { isUnavailable } from '../../../core/health/unavailable.js';
import { createLogger } from '../../../core/log/logger.js';
import { openCoreDatabase } from '../../../runtime/db/connect.js';
import { edgeErrorHandler } from '../../../edge/errors.js';
import { lazyTemporalClient } from '../../admin/support.js';
import { freePort } from '../../support/start-stack.js';

/** A real pg error: a pool pointed at a port nobody listens on. */
async function databaseDownError(): Promise<unknown> {
  const pool = new pg.Pool({
    connectionString: `postgres://nobody:nothing@127.0.0.1:${await freePort()}/none`,
    connectionTimeoutMillis: 2_000,
  });
  try {
    await pool.query('SELECT 1');
    throw new Error('expected the query to fail');
  } catch (error) {
    return error;
  } finally {
    await pool.end();
  }
}

describe('a dependency that is down', () => {
  it('is recognised through the cause chain, and ordinary bugs are not', async () => {
    const down = await databaseDownError();
    expect(isUnavailable(down)).toBe(true);
    expect(isUnavailable(new Error('wrapped', { cause: down }))).toBe(true);
    expect(isUnavailable(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe(true);
    expect(isUnavailable(Object.assign(new Error('unavailable'), { code: 14, details: 'no route' }))).toBe(
      true,
    );
    expect(isUnavailable(Object.assign(new Error('syntax error'), { code: '42601' }))).toBe(false);
    expect(isUnavailable(new TypeError('x is undefined'))).toBe(false);
  });

  it('gets devices a 503 with Retry-After from the edge, not a 500', async () => {
    const down = await databaseDownError();
    const app = new Hono().onError(edgeErrorHandler(createLogger('test', 'silent')));
    app.put('/mdm/checkin', () => {
      throw down;
    });
    const answer = await app.request('/mdm/checkin', { method: 'PUT' });
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('gets admins a 503 with Retry-After from the admin API when its database is down', async () => {
    const database = openCoreDatabase(`postgres://nobody:nothing@127.0.0.1:${await freePort()}/none`, 1);
    try {
      const app = createAdminApp({
        log: createLogger('test', 'silent'),
        healthProbes: {},
        db: database.db,
        temporal: lazyTemporalClient(),
        coreTaskQueue: 'unused',
        edgeTaskQueue: 'unused',
      });
      const answer = await app.request('/v1/devices', { headers: { authorization: 'Bearer keep_anything' } });
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(((await answer.json()) as { error: string }).error).toMatch(/try again/);
    } finally {
      await database.close();
    }
  });
});
