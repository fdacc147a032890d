// One row of core.audit_log, written before the action it records: shared by the admin API (an admin acts) and the
// core worker (Keep, a device or the directory acts), so every entry has the same shape.
import type { Kysely } from 'kysely';
import type { CoreDatabase } from '../db/core-database.js';

export interface AuditRecord {
  action: string;
  targetKind: string;
  targetId?: string | null;
  /** Never a secret: ids and request types, not parameters, keys or tokens. */
  details?: Record<string, unknown>;
}

/** Awaited before the action: if this write fails, the caller's action must not happen. */
export async function appendAudit(
  db: Kysely<CoreDatabase>,
  actor: string,
  record: AuditRecord,
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor,
      action: record.action,
      target_kind: record.targetKind,
      target_id: record.targetId ?? null,
      details: JSON.stringify(record.details ?? {}),
    })
    .execute();
}
