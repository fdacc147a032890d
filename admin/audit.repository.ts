// The audit log in core.audit_log: append before acting, read newest first.
import { sql, type Kysely } from 'kysely';
import type { CoreDatabase } from '../core/db/core-database.js';
import type { AuditEntry } from '../core/db/core/audit-log.table.js';
import type { Principal } from './auth/principal.js';

export interface AuditRecord {
  action: string;
  targetKind: string;
  targetId?: string | null;
  /** Never a secret: ids and request types, not parameters, keys or tokens. */
  details?: Record<string, unknown>;
}

/** Awaited before the action: if this write fails, the caller's action must not happen. */
export async function recordAudit(
  db: Kysely<CoreDatabase>,
  actor: Principal,
  record: AuditRecord,
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor: actor.subject,
      action: record.action,
      target_kind: record.targetKind,
      target_id: record.targetId ?? null,
      details: JSON.stringify(record.details ?? {}),
    })
    .execute();
}

export interface AuditFilter {
  limit: number;
  /** Entries with a smaller id than this one (ids grow with time). */
  before?: string | undefined;
  action?: string | undefined;
  targetKind?: string | undefined;
  targetId?: string | undefined;
}

export async function listAudit(db: Kysely<CoreDatabase>, filter: AuditFilter): Promise<AuditEntry[]> {
  let query = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(filter.limit);
  if (filter.before) query = query.where('id', '<', sql<string>`${filter.before}::bigint`);
  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.targetKind) query = query.where('target_kind', '=', filter.targetKind);
  if (filter.targetId) query = query.where('target_id', '=', filter.targetId);
  return query.execute();
}
