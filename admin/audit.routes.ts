// GET /v1/audit: the audit log, newest first, for admins and auditors.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CoreDatabase } from '../core/db/core-database.js';
import type { AuditEntry } from '../core/db/core/audit-log.table.js';
import { listAudit } from './audit.repository.js';
import { defineRoute, type AdminRoute } from './define-route.js';
import { readQuery } from './json-body.js';
import { cursorPart, decodeCursor, pageQuery, toPage } from './paging.js';

const auditQuery = pageQuery.extend({
  action: z.string().max(100).optional().describe('Only this action, e.g. `device.command.send`.'),
  targetKind: z.string().max(100).optional().describe('Only targets of this kind, e.g. `device`.'),
  targetId: z.string().max(200).optional().describe('Only this target.'),
});

export const auditEntry = z.object({
  id: z.string(),
  at: z.iso.datetime(),
  actor: z.string(),
  action: z.string(),
  targetKind: z.string(),
  targetId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

const auditPage = z.object({ items: z.array(auditEntry), nextCursor: z.string().nullable() });

export function entry(row: AuditEntry): z.infer<typeof auditEntry> {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actor: row.actor,
    action: row.action,
    targetKind: row.target_kind,
    targetId: row.target_id,
    details: row.details,
  };
}

export function auditRoutes(deps: { db: Kysely<CoreDatabase> }): AdminRoute[] {
  const route = defineRoute(
    {
      method: 'get',
      path: '/v1/audit',
      summary:
        'The audit log, newest first: every device action and secret read, written before it happened.',
      permission: 'audit:read',
      query: auditQuery,
      responses: { 200: { description: 'One page of entries.', schema: auditPage } },
    },
    async (c) => {
      const query = readQuery(c, auditQuery);
      const before =
        query.cursor === undefined ? undefined : decodeCursor(query.cursor, [cursorPart.bigint])[0];
      const rows = await listAudit(deps.db, { ...query, before, limit: query.limit + 1 });
      return c.json(toPage(rows, query.limit, entry, (row) => [row.id]));
    },
  );
  return [route];
}
