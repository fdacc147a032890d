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

function open<DB>(schema: 'core' | 'edge', url: string, poolSize: number): Database<DB> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5_000 });
  // An idle client that loses its server (Postgres restart) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) }).withSchema(schema);
  return { db, pool, close: () => db.destroy() };
}

export function openCoreDatabase(url: string, poolSize = 10): Database<CoreDatabase> {
  return open<CoreDatabase>('core', url, poolSize);
}

export function openEdgeDatabase(url: string, poolSize = 20): Database<EdgeDatabase> {
  return open<EdgeDatabase>('edge', url, poolSize);
}
