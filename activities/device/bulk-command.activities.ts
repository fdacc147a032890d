// The core's side of a bulk command's fan-out: each page of targets recorded in core.device_commands with one
// statement, then what their edges made of it. Run as local activities: the same worker, and safe to repeat.
import { sql, type Kysely } from 'kysely';
import { ApplicationFailure } from '@temporalio/common';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { CommandTemplate } from '../../core/device/command-template.js';

export interface BulkPageTarget {
  deviceId: string;
  commandUuid: string;
  /** Null when the device has no enrollment any more: no edge can queue it. */
  enrollmentId: string | null;
}

export function createBulkCommandActivities(deps: { db: Kysely<CoreDatabase> }) {
  const { db } = deps;
  return {
    /** The bulk command as the admin API recorded it; none is a request no admin made, refused for good. */
    async loadBulkCommand(input: {
      bulkId: string;
    }): Promise<{ platform: string; requestedBy: string; template: CommandTemplate }> {
      const row = await db
        .selectFrom('bulk_commands')
        .select(['platform', 'requested_by', 'request_type', 'payload', 'placeholder_uuid'])
        .where('id', '=', input.bulkId)
        .executeTakeFirst();
      if (!row) throw ApplicationFailure.nonRetryable('no such bulk command', 'UnknownBulkCommand');
      return {
        platform: row.platform,
        requestedBy: row.requested_by,
        template: {
          requestType: row.request_type,
          payload: row.payload,
          placeholderUuid: row.placeholder_uuid,
        },
      };
    },

    /**
     * The next `limit` targets still pending after `after` (by device id), their commands recorded as queued in
     * the same statement, so a result the device sends at once finds its row. Idempotent by command UUID.
     */
    async recordBulkCommandPage(input: {
      bulkId: string;
      after: string;
      limit: number;
      requestType: string;
      requestedBy: string;
    }): Promise<BulkPageTarget[]> {
      const { rows } = await sql<BulkPageTarget>`
        with page as (
          select t.device_id, t.command_uuid, d.enrollment_id
          from core.bulk_command_targets t left join core.devices d on d.id::text = t.device_id
          where t.bulk_id = ${input.bulkId} and t.state = 'pending' and t.device_id > ${input.after}
          order by t.device_id
          limit ${input.limit}
        ), recorded as (
          insert into core.device_commands (command_uuid, device_id, request_type, status, requested_by, updated_at)
          select command_uuid, device_id::uuid, ${input.requestType}, 'queued', ${input.requestedBy}, now()
          from page where enrollment_id is not null
          on conflict (command_uuid) do nothing
        )
        select device_id as "deviceId", command_uuid as "commandUuid", enrollment_id as "enrollmentId"
        from page order by device_id`.execute(db);
      return rows;
    },

    /**
     * What the edges made of a page: `queued` targets are at their edge; those no edge holds are refused, and
     * their recorded commands removed, so nothing half-done is kept. Repeating it changes nothing.
     */
    async recordBulkCommandOutcome(input: {
      bulkId: string;
      queued: string[];
      notAtEdge: string[];
    }): Promise<void> {
      await db.transaction().execute(async (tx) => {
        if (input.queued.length > 0) {
          await tx
            .updateTable('bulk_command_targets')
            .set({ state: 'queued' })
            .where('bulk_id', '=', input.bulkId)
            .where('device_id', 'in', input.queued)
            .where('state', '=', 'pending')
            .execute();
        }
        if (input.notAtEdge.length === 0) return;
        const refused = await tx
          .updateTable('bulk_command_targets')
          .set({ state: 'refused', reason: 'not-at-edge' })
          .where('bulk_id', '=', input.bulkId)
          .where('device_id', 'in', input.notAtEdge)
          .where('state', '=', 'pending')
          .returning('command_uuid')
          .execute();
        const uuids = refused.flatMap((row) => (row.command_uuid ? [row.command_uuid] : []));
        if (uuids.length > 0)
          await tx.deleteFrom('device_commands').where('command_uuid', 'in', uuids).execute();
      });
    },

    async finishBulkCommand(input: { bulkId: string }): Promise<void> {
      await db
        .updateTable('bulk_commands')
        .set({ finished_at: new Date() })
        .where('id', '=', input.bulkId)
        .where('finished_at', 'is', null)
        .execute();
    },
  };
}

export type BulkCommandActivities = ReturnType<typeof createBulkCommandActivities>;
