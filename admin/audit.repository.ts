// The audit log in core.audit_log: append before acting, read newest first.
import { sql, type Kysely } from 'kysely';
import type { CoreDatabase } from '../core/db/core-database.js';
import type { AuditEntry } from '../core/db/core/audit-log.table.js';
import type { Principal } from './auth/principal.js';
import { appendAudit, type AuditRecord } from '../core/audit/append-audit.js';

export type { AuditRecord } from '../core/audit/append-audit.js';

/** Awaited before the action: if this write fails, the caller's action must not happen. */
export async function recordAudit(
  db: Kysely<CoreDatabase>,
  actor: Principal,
  record: AuditRecord,
): Promise<void> {
  await appendAudit(db, actor.subject, record);
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
