// Shared set-up for admin API tests: the app over a test database, tokens of each role, and JSON requests.
import { Client, Connection } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { insertApiToken } from '../../admin/api-token.repository.js';
import { createAdminApp, type AdminAppDeps } from '../../admin/app.js';
import type { Role } from '../../admin/auth/rbac.js';
import { generateToken, hashToken } from '../../admin/auth/token-hash.js';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { Device } from '../../core/db/core/device.table.js';
import { createLogger } from '../../core/log/logger.js';
import { newOpaqueId } from '../../core/temporal/task-queues.js';
import { testStack } from '../support/stack.js';

export const BOOTSTRAP_TOKEN = generateToken();

export type AdminApp = ReturnType<typeof createAdminApp>;

/** A Temporal client that connects only when used: for tests that never reach Temporal. */
export function lazyTemporalClient(): Client {
  return new Client({ connection: Connection.lazy({ address: testStack().temporalAddress }) });
}

export function testAdminApp(deps: Partial<AdminAppDeps> & Pick<AdminAppDeps, 'db'>): AdminApp {
  return createAdminApp({
    log: createLogger('test', 'silent'),
    healthProbes: {},
    temporal: lazyTemporalClient(),
    bootstrapTokenHash: hashToken(BOOTSTRAP_TOKEN),
    coreTaskQueue: 'unused-core',
    edgeTaskQueue: 'unused-edge',
    ...deps,
  });
}

export async function tokenFor(
  db: Kysely<CoreDatabase>,
  role: Role,
  options: { teamId?: string; expiresAt?: Date } = {},
): Promise<string> {
  const token = generateToken();
  await insertApiToken(db, {
    name: `test-${role}`,
    role,
    token_hash: hashToken(token),
    created_by: 'test',
    expires_at: options.expiresAt ?? new Date(Date.now() + 24 * 60 * 60 * 1000),
    team_id: options.teamId ?? null,
  });
  return token;
}

export function call(
  app: AdminApp,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  return Promise.resolve(
    app.request(path, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    }),
  );
}

export async function insertDevice(db: Kysely<CoreDatabase>, values: Partial<Device> = {}): Promise<string> {
  const id = values.id ?? newOpaqueId();
  await db
    .insertInto('devices')
    .values({
      id,
      platform: values.platform ?? 'apple',
      enrollment_status: values.enrollment_status ?? 'enrolled',
      name: values.name ?? 'Test Mac',
      serial_number: values.serial_number ?? null,
      facts: JSON.stringify(values.facts ?? {}),
      last_seen_at: values.last_seen_at ?? null,
    })
    .execute();
  return id;
}

export async function auditRows(db: Kysely<CoreDatabase>, action?: string) {
  let query = db.selectFrom('audit_log').selectAll().orderBy('id');
  if (action) query = query.where('action', '=', action);
  return query.execute();
}
