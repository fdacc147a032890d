// A benchmark's calls to Keep's admin API, with the bootstrap token (never printed), and the run's Postgres
// transaction count.
import { sql } from 'kysely';
import type { KeepProcesses } from './keep-processes.js';

async function call(keep: KeepProcesses, method: 'GET' | 'POST', path: string, body?: unknown) {
  const response = await fetch(`${keep.admin.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${keep.admin.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.status >= 300)
    throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
  return response;
}

export async function adminPost(
  keep: KeepProcesses,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  return (await (await call(keep, 'POST', path, body ?? {})).json()) as Record<string, unknown>;
}

export async function adminGet(keep: KeepProcesses, path: string): Promise<Record<string, unknown>> {
  return (await (await call(keep, 'GET', path)).json()) as Record<string, unknown>;
}

/** A new Apple enrollment's signed profile, as an admin downloads it (one-time SCEP challenge inside). */
export async function downloadEnrollmentProfile(keep: KeepProcesses): Promise<Uint8Array> {
  return new Uint8Array(await (await call(keep, 'POST', '/v1/enrollments/apple')).arrayBuffer());
}

/** Committed and rolled-back transactions of the run's database (core and edge schemas) so far. */
export async function pgTransactions(keep: KeepProcesses): Promise<number> {
  const { rows } = await sql<{ xacts: string }>`
    select xact_commit + xact_rollback as xacts from pg_stat_database where datname = current_database()
  `.execute(keep.database.core.db);
  return Number(rows[0]?.xacts ?? 0);
}
