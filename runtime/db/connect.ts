// Opens a plane's database: a pg pool and a Kysely bound to that plane's schema.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { EdgeDatabase } from '../../core/db/edge-database.js';

// Postgres bigint (int8) and numeric come back as strings by default; counts fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface Database<DB> {
  db: Kysely<DB>;
  pool: pg.Pool;
  close(): Promise<void>;
}

/** A process fails fast into a 503 when Postgres does not answer; tests on a busy machine may wait longer. */
const CONNECT_TIMEOUT_MS = 5_000;

function open<DB>(
  schema: 'core' | 'edge',
  url: string,
  poolSize: number,
  connectTimeoutMs: number,
): Database<DB> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: connectTimeoutMs,
  });
  // A client that loses its server (Postgres restart, failover, pg_terminate_backend) emits 'error', and an
  // unhandled 'error' kills the process. The pool listens while a client is idle, but not while it is checked
  // out (a transaction between two queries): listen there too. The request using it fails on its next query
  // (a 503, core/health/unavailable.ts) and the pool discards the client on release.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) }).withSchema(schema);
  return { db, pool, close: () => db.destroy() };
}

export function openCoreDatabase(
  url: string,
  poolSize = 10,
  connectTimeoutMs = CONNECT_TIMEOUT_MS,
): Database<CoreDatabase> {
  return open<CoreDatabase>('core', url, poolSize, connectTimeoutMs);
}

export function openEdgeDatabase(
  url: string,
  poolSize = 20,
  connectTimeoutMs = CONNECT_TIMEOUT_MS,
): Database<EdgeDatabase> {
  return open<EdgeDatabase>('edge', url, poolSize, connectTimeoutMs);
}
