// The per-enrollment command queue: enqueue, hand out the next command, store the device's report.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { EdgeDatabase } from '../../core/db/edge-database.js';
import type { CommandQueueStatus, QueuedCommand } from '../../core/db/edge/command-queue.table.js';

type Db = Kysely<EdgeDatabase> | Transaction<EdgeDatabase>;

export interface EnqueueCommand {
  enrollmentId: string;
  commandUuid: string;
  requestType: string;
  body: Buffer;
  priority?: number;
}

/** Idempotent by (enrollment, command UUID): a retried activity does not queue twice. */
export async function enqueueCommand(db: Db, command: EnqueueCommand): Promise<boolean> {
  const inserted = await db
    .insertInto('command_queue')
    .values({
      enrollment_id: command.enrollmentId,
      command_uuid: command.commandUuid,
      request_type: command.requestType,
      body: command.body,
      priority: command.priority ?? 100,
    })
    .onConflict((oc) => oc.columns(['enrollment_id', 'command_uuid']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/**
 * Many commands in one statement (a bulk command's page), idempotent as `enqueueCommand`; answers the enrollments
 * whose command it queued now.
 */
export async function enqueueCommandBatch(db: Db, commands: readonly EnqueueCommand[]): Promise<string[]> {
  if (commands.length === 0) return [];
  const rows = await db
    .insertInto('command_queue')
    .values(
      commands.map((command) => ({
        enrollment_id: command.enrollmentId,
        command_uuid: command.commandUuid,
        request_type: command.requestType,
        body: command.body,
        priority: command.priority ?? 100,
      })),
    )
    .onConflict((oc) => oc.columns(['enrollment_id', 'command_uuid']).doNothing())
    .returning('enrollment_id')
    .execute();
  return rows.map((row) => row.enrollment_id);
}

/**
 * The next command for the device, marked sent. A command the device answered NotNow waits for its
 * next Idle (a new session), so it is skipped for the rest of this one; a command sent but never
 * answered is sent again. SKIP LOCKED keeps two concurrent requests of one device from taking the same row.
 */
export async function takeNextCommand(
  db: Db,
  enrollmentId: string,
  idle: boolean,
): Promise<QueuedCommand | undefined> {
  const statuses: CommandQueueStatus[] = idle ? ['queued', 'sent', 'not-now'] : ['queued'];
  const next = await db
    .selectFrom('command_queue')
    .select('id')
    .where('enrollment_id', '=', enrollmentId)
    .where('status', 'in', statuses)
    .orderBy('priority')
    .orderBy('id')
    .limit(1)
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();
  if (!next) return undefined;
  return db
    .updateTable('command_queue')
    .set({ status: 'sent', sent_at: new Date() })
    .where('id', '=', next.id)
    .returningAll()
    .executeTakeFirst();
}

const FINAL: Record<string, CommandQueueStatus> = {
  Acknowledged: 'acknowledged',
  Error: 'error',
  CommandFormatError: 'format-error',
  NotNow: 'not-now',
};

/**
 * Stores a report once per (enrollment, command UUID, final status): a repeated report (the device
 * retrying after a lost response) changes nothing and returns false, so nothing is relayed twice.
 */
export async function recordReport(
  db: Db,
  report: { enrollmentId: string; commandUuid: string; status: keyof typeof FINAL; body: Buffer },
): Promise<boolean> {
  const queueStatus = FINAL[report.status]!;
  const stored = await db
    .insertInto('command_results')
    .values({
      enrollment_id: report.enrollmentId,
      command_uuid: report.commandUuid,
      status: report.status,
      body: report.body,
    })
    .onConflict((oc) =>
      oc
        .columns(['enrollment_id', 'command_uuid'])
        .doUpdateSet({ status: report.status, body: report.body, received_at: new Date() })
        // NotNow may be followed by a final answer; a final answer is never overwritten.
        .where('command_results.status', '=', 'NotNow')
        .where(sql<boolean>`excluded.status <> 'NotNow'`),
    )
    .returning('status')
    .executeTakeFirst();
  if (!stored) return false;
  await db
    .updateTable('command_queue')
    .set({ status: queueStatus, finished_at: queueStatus === 'not-now' ? null : new Date() })
    .where('enrollment_id', '=', report.enrollmentId)
    .where('command_uuid', '=', report.commandUuid)
    .execute();
  return true;
}

/** Retention: finished commands and their results older than the cut-off go. */
export async function pruneFinishedCommands(db: Db, olderThan: Date): Promise<number> {
  const results = await db
    .deleteFrom('command_results')
    .where('received_at', '<', olderThan)
    .executeTakeFirst();
  const commands = await db
    .deleteFrom('command_queue')
    .where('finished_at', '<', olderThan)
    .executeTakeFirst();
  return Number(results.numDeletedRows) + Number(commands.numDeletedRows);
}
