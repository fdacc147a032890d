// The audit log: who did what to which target, written before the action happens.
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

export interface AuditLogTable {
  id: Generated<string>;
  at: Generated<Date>;
  /** The principal's subject, e.g. `token:<id>` or `bootstrap`. */
  actor: string;
  /** Dotted verb, e.g. `device.command.send`. */
  action: string;
  target_kind: string;
  target_id: string | null;
  /** Never a secret: request types and ids, not command parameters or keys. */
  details: ColumnType<Record<string, unknown>, string | undefined, string>;
}

export type AuditEntry = Selectable<AuditLogTable>;
export type NewAuditEntry = Insertable<AuditLogTable>;
